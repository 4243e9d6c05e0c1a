extension Event {
    /// The normalized event as a JSON value, with the same keys as its encoding (nil fields absent):
    /// what route patterns are evaluated against.
    public var jsonValue: JSONValue {
        var object = JSONObject()
        object.append(key: "event_id", value: .string(eventID))
        object.append(key: "timestamp", value: .string(timestamp.iso8601))
        object.append(key: "platform", value: .string(platform.rawValue))
        object.append(key: "source_kind", value: .string(sourceKind))
        object.append(key: "event_type", value: .string(eventType))
        let optional: [(String, String?)] = [
            ("actor_id", actorID), ("actor_name", actorName), ("target_id", targetID), ("target_type", targetType),
            ("old_value", oldValue), ("new_value", newValue),
        ]
        for (key, value) in optional {
            if let value { object.append(key: key, value: .string(value)) }
        }
        object.append(key: "attributes", value: .object(attributes))
        if let raw { object.append(key: "raw", value: raw) }
        return .object(object)
    }
}
