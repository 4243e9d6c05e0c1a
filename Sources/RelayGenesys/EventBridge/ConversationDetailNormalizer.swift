import RelayCore

/// Conversation detail events (`v2.detail.events.conversation.{id}.{phase}`, phases such as
/// `acd.start`, `customer.end`, `user.end`, `acw`, `flow.start`):
/// * `source_kind` `conversation`; `event_type` `CONVERSATION_` + the phase in upper snake case
///   (`CONVERSATION_CUSTOMER_END`, `CONVERSATION_ACD_START`).
/// * `timestamp` from `eventTime` (epoch milliseconds).
/// * `actor_id` = `userId` (the agent) when present; `target_id` = `conversationId` (else the
///   topic's id), `target_type` `Conversation`.
/// * `attributes`: every body field snake_cased (`disconnect_type`, `conversation_id`,
///   `participant_id`, `queue_id`, `media_type`, `direction`, `interacting_duration_ms`,
///   `wrapup_code`, ...), `ani` and `dnis` kept as attributes so redaction can hash them.
enum ConversationDetailNormalizer {
    static let topicPrefix = "v2.detail.events.conversation."

    /// `customer.end` → `CONVERSATION_CUSTOMER_END`; remembered, as a handful of phases recur.
    static func eventType(phase: String) -> String {
        eventTypes.value(for: phase) { phase in
            guard !phase.isEmpty else { return "CONVERSATION" }
            return "CONVERSATION_"
                + TopicAttributes.upperSnake(phase.split(separator: ".", omittingEmptySubsequences: false))
        }
    }

    private static let eventTypes = BoundedMemo<String, String>()

    static func normalize(_ envelope: EventBridgeEnvelope, attributes base: JSONObject) throws(RelayError) -> Event {
        // v2.detail.events.conversation. {id} . phase...; the caller checked the prefix.
        let rest = envelope.topicName.unicodeScalars.dropFirst(topicPrefix.unicodeScalars.count)
        let dot = rest.firstIndex(of: ".")
        let idSegment = rest[..<(dot ?? rest.endIndex)]
        let topicConversation = idSegment.isEmpty ? nil : String(idSegment)
        let phase = dot.map { String(rest[rest.index(after: $0)...]) } ?? ""
        let timestamp = try envelope.eventTime()
        var attributes = base
        var conversationID: String?
        var userID: String?
        for member in envelope.eventBody {
            switch member.key {
            case "eventTime":
                continue
            case "conversationId":
                conversationID = member.value.stringValue
            case "userId":
                userID = member.value.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            default:
                break
            }
            TopicAttributes.flatten(member.value, key: member.key, into: &attributes)
        }
        if conversationID == nil, let topicConversation {
            attributes.append(key: "conversation_id", value: .string(topicConversation))
        }
        var event = Event(
            eventID: envelope.eventID,
            timestamp: timestamp,
            platform: .genesys,
            sourceKind: "conversation",
            eventType: eventType(phase: phase),
            actorID: userID,
            targetID: conversationID ?? topicConversation,
            targetType: "Conversation",
            attributes: attributes
        )
        event.fieldSources = sources
        return event
    }

    /// Body keys snake_cased into the attributes; the conversation id may come from the topic.
    static let sources = GenesysEventBridgeNormalizer.envelopeSources(
        FieldSources(
            snakeCased: true, raw: ["actor_id": ["userId"], "target_id": ["conversationId"]],
            copies: ["actor_id": ["user_id"], "target_id": ["conversation_id"]]),
        adding: ["target_id": ["detail.topicName"], "attributes.conversation_id": ["detail.topicName"]])
}
