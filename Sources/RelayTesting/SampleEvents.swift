import RelayCore

/// Sample events for tests: normalized events with the awkward parts real records have (a quote and a newline in a
/// name, JSON in a value, a number too large for a double, attribute keys out of order), and raw platform events.
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

    /// The actor (`userId`, entity id) of ``genesysEventBridgeAudit(id:entityType:)``.
    public static let genesysAuditActorID = "278522be-aaaa-bbbb-cccc-ddddeeeeffff"

    /// A Genesys Cloud audit event as EventBridge delivers it (PROTOCOLS.md's sample, the elided ids
    /// completed), with its envelope `id` and audited entity type.
    public static func genesysEventBridgeAudit(
        id: String = "4cbedb0f-1111-2222-3333-444455556666", entityType: String = "Queue"
    ) -> String {
        """
        {"version":"0","id":"\(id)","detail-type":"v2.audits.entitytype.{id}.entityid.{id}",
         "source":"aws.partner/genesys.com/cloud/bb14bed0-aaaa-bbbb-cccc-ddddeeeeffff/quickstart-test","account":"123456789",
         "time":"2021-06-25T15:11:52Z","region":"us-east-1","resources":[],
         "detail":{"topicName":"v2.audits.entitytype.\(entityType).entityid.\(genesysAuditActorID)","version":"2",
          "eventBody":{"id":"b8775049-aaaa-bbbb-cccc-ddddeeeeffff","userId":"\(genesysAuditActorID)","serviceName":"Presence",
           "eventTime":"2021-06-25T15:11:52.000Z","action":"Update","entityType":"\(entityType)",
           "entity":{"id":"278522be-aaaa-bbbb-cccc-ddddeeeeffff","name":"John Doe"},
           "propertyChanges":[{"property":"PRESENCE","oldValues":["Break"],"newValues":["Available"]}]},
          "metadata":{"CorrelationId":"b61df0b3-aaaa-bbbb-cccc-ddddeeeeffff"},"timestamp":"2021-06-25T15:11:52.435Z"}}
        """
    }
}
