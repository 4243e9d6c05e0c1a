import RelayCore

/// Normalized events for tests, with the awkward parts real records have: a quote and a newline in a
/// name, JSON in a value, a number too large for a double, attribute keys out of order.
public enum SampleEvents {
    /// Event `number`: its id derives from `native-<number>`, its time is `ms + number` milliseconds.
    public static func event(_ number: Int, platform: Platform = .genesys, ms: Int64 = 1_624_633_912_435) -> Event {
        Event(
            eventID: EventID.make(platform: platform, nativeID: "native-\(number)"),
            timestamp: Timestamp(millisecondsSinceEpoch: ms + Int64(number)),
            platform: platform,
            sourceKind: "audit",
            eventType: "QUEUE_UPDATED",
            actorID: "user-\(number)",
            actorName: "Agent \"\(number)\"\n",
            newValue: #"{"name":"q\#(number)"}"#,
            attributes: JSONObject([
                "z.order": "kept", "a.big": .number(JSONNumber(uncheckedLiteral: "12345678901234567890")),
            ])
        )
    }
}
