import RelayCore

/// Routes use compiled EventBridge patterns as their matchers.
extension EventPattern: EventMatcher {}

/// An ``Event``'s fields under the keys of ``Event/jsonValue`` (its encoding), each made only when a
/// pattern asks for it: matching a route needs no JSON tree of the whole event.
struct EventFields: PatternFields {
    let event: Event

    func patternField(_ key: String) -> JSONValue? {
        switch key {
        case "event_id": .string(event.eventID)
        case "timestamp": .string(event.timestamp.iso8601)
        case "platform": .string(event.platform.rawValue)
        case "source_kind": .string(event.sourceKind)
        case "event_type": .string(event.eventType)
        case "actor_id": event.actorID.map(JSONValue.string)
        case "actor_name": event.actorName.map(JSONValue.string)
        case "target_id": event.targetID.map(JSONValue.string)
        case "target_type": event.targetType.map(JSONValue.string)
        case "old_value": event.oldValue.map(JSONValue.string)
        case "new_value": event.newValue.map(JSONValue.string)
        case "attributes": .object(event.attributes)
        case "raw": event.raw
        default: nil
        }
    }
}
