import RelayCore

/// The field names ccrelay writes, as every generated artefact must spell them.
///
/// Common fields come from ``Event/commonFieldNames`` (RelayCore); attribute names are the keys
/// the normalizers put into `attributes` (RelayGenesys: audit REST and topic bodies keep Genesys'
/// own camelCase names, push-topic normalizers snake_case them). Generators never type a field
/// name: they take a ``SchemaField`` from here, and the tests check every query against this list
/// and this list against the normalizers' output.
public enum NormalizedSchema {
    /// The common fields, in encoding order (``Event/commonFieldNames``).
    public static let commonFields: [String] = Event.commonFieldNames

    /// Attribute names the normalizers produce that generated content uses or documents.
    public static let attributeFields: [String] = [
        // Every pushed event.
        "topic_name", "correlation_id",
        // Genesys audit records (REST and topic bodies).
        "audit_id", "serviceName", "level", "status", "application", "remoteIp", "entity.name",
        "client.id", "transactionInitiator", "initiatingAction.transactionId", "message.message",
        // Conversation detail events.
        "conversation_id", "participant_id", "disconnect_type", "media_type", "direction", "queue_id",
        "interacting_duration_ms", "wrapup_code", "wrapup_duration_ms",
        // Edge metrics.
        "edge_name", "cpu_pct", "memory_used_pct", "disk_used_pct",
        // Transcripts.
        "transcript", "utterance_count", "is_final", "confidence",
    ]

    /// Attributes only `encoding: full` writes: the compact encoding (the default, ``CompactEvent``)
    /// leaves them out as copies of common fields, so generated content never needs them.
    /// `topic_name` names the `target_id` (`v2.detail.events.conversation.{target_id}.customer.end`);
    /// `conversation_id` is the conversation detail event's `target_id` (queries use
    /// ``SchemaField/conversationID``, which reads `target_id`). Every other listed attribute is
    /// written by both encodings when the record carries it.
    public static let fullEncodingOnly: Set<String> = ["topic_name", "conversation_id"]

    /// Every name a query may use: common fields, and `attributes.<name>` for attributes.
    public static let queryableFieldNames: [String] =
        commonFields + attributeFields.map { attributesPrefix + $0 }

    /// The object the attributes are nested under in the encoded event.
    public static let attributesPrefix = "attributes."
}

/// One field of the normalized schema. Only the lookups below make one, so a typo fails at once.
public struct SchemaField: Sendable, Hashable, CustomStringConvertible {
    /// The path in the encoded event: `event_type`, `attributes.disconnect_type`.
    public let path: String
    /// The last name: `event_type`, `disconnect_type`; used for extracted field names.
    public let shortName: String

    /// A common field; stops the program when `name` is not in ``NormalizedSchema/commonFields``.
    public static func common(_ name: String) -> SchemaField {
        precondition(NormalizedSchema.commonFields.contains(name), "not a common field: \(name)")
        return SchemaField(path: name, shortName: name)
    }

    /// An attribute; stops the program when `name` is not in ``NormalizedSchema/attributeFields``.
    public static func attribute(_ name: String) -> SchemaField {
        precondition(NormalizedSchema.attributeFields.contains(name), "not a known attribute: \(name)")
        let short = name.split(separator: ".").map(String.init).joined(separator: "_")
        return SchemaField(path: NormalizedSchema.attributesPrefix + name, shortName: short)
    }

    public var description: String { path }

    public static let eventID = common("event_id")
    public static let timestamp = common("timestamp")
    public static let platform = common("platform")
    public static let sourceKind = common("source_kind")
    public static let eventType = common("event_type")
    public static let actorID = common("actor_id")
    public static let actorName = common("actor_name")
    public static let targetID = common("target_id")
    public static let targetType = common("target_type")
    public static let disconnectType = attribute("disconnect_type")
    /// A conversation's id: the conversation detail event's `target_id`, extracted as
    /// `conversation_id` (the attribute of that name is a copy the compact encoding leaves out).
    public static let conversationID = SchemaField(path: targetID.path, shortName: "conversation_id")
    public static let serviceName = attribute("serviceName")
    public static let remoteIP = attribute("remoteIp")
    public static let entityName = attribute("entity.name")
    public static let topicName = attribute("topic_name")
}
