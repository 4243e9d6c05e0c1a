import RelayCore

/// Turns Genesys Cloud events delivered through Amazon EventBridge (directly, by an API destination,
/// or inside Firehose records) into ccrelay ``Event``s. Pure: no I/O, no clock.
///
/// Every event gets `event_id` = ``EventID/make(platform:nativeID:topic:)`` of the EventBridge `id`
/// and `detail.topicName`, so a redelivered event keeps its id, except an audit with its own id (below);
/// and the attributes `topic_name` and, when present, `correlation_id` (`detail.metadata.CorrelationId`).
/// By topic family:
/// * `v2.audits.…`: the audit topic body, as ``GenesysAuditNormalizer/normalizeTopicBody(_:)``
///   maps it (`source_kind` `audit`); the body's own `id` is kept as the attribute `audit_id` and is
///   the event's identity, so the same audit pulled through the REST APIs is the same event.
/// * `v2.detail.events.conversation.{id}.…`: conversation detail events (`source_kind`
///   `conversation`, see ``ConversationDetailNormalizer``).
/// * `v2.telephony.providers.edges.{id}.metrics`: edge metrics (`source_kind` `edge_metrics`,
///   `cpu_pct`, memory and disk use; see ``EdgeMetricsNormalizer``).
/// * `v2.conversations.{id}.transcription`: transcripts (`source_kind` `transcript`).
/// * anything else: `source_kind` `notification`, `event_type` from the topic pattern without ids
///   (`v2.users.{id}.presence` → `USERS_PRESENCE`), every body field flattened to dotted keys.
public struct GenesysEventBridgeNormalizer: Sendable {
    /// Keep the whole EventBridge event in ``Event/raw``. Default `false`.
    public var keepRaw: Bool

    public init(keepRaw: Bool = false) {
        self.keepRaw = keepRaw
    }

    /// Normalizes one parsed EventBridge event.
    /// - Throws: `RelayError(.malformedRecord)` naming the field when the envelope lacks `id`,
    ///   `detail`, `detail.topicName` or `detail.eventBody`, or a time field is invalid.
    public func normalize(_ value: JSONValue) throws(RelayError) -> Event {
        let envelope = try EventBridgeEnvelope(value)
        var event = try normalize(envelope)
        if keepRaw { event.raw = value }
        return event
    }

    /// Normalizes an envelope already read.
    public func normalize(_ envelope: EventBridgeEnvelope) throws(RelayError) -> Event {
        var base = JSONObject()
        base.append(key: "topic_name", value: .string(envelope.topicName))
        if let correlation = envelope.correlationID {
            base.append(key: "correlation_id", value: .string(correlation))
        }
        if envelope.topicName.hasPrefix("v2.audits.") {
            return try audit(envelope, attributes: base)
        }
        if envelope.topicName.hasPrefix(ConversationDetailNormalizer.topicPrefix) {
            return try ConversationDetailNormalizer.normalize(envelope, attributes: base)
        }
        let segments = envelope.topicSegments
        if EdgeMetricsNormalizer.matches(segments) {
            return try EdgeMetricsNormalizer.normalize(envelope, segments: segments, attributes: base)
        }
        if TranscriptNormalizer.matches(segments) {
            return try TranscriptNormalizer.normalize(envelope, segments: segments, attributes: base)
        }
        return try generic(envelope, attributes: base)
    }

    private func audit(_ envelope: EventBridgeEnvelope, attributes base: JSONObject) throws(RelayError) -> Event {
        var body = envelope.eventBody
        // A topic body without its own id is still an audit: the EventBridge id and topic identify it.
        let hasAuditID = body["id"]?.stringValue.map { !$0.isEmpty } ?? false
        if !hasAuditID { body.append(key: "id", value: .string(envelope.id)) }
        var event: Event
        do {
            event = try GenesysAuditNormalizer().normalizeTopicBody(.object(body))
        } catch {
            throw RelayError(.malformedRecord, "EventBridge event \(envelope.id): detail.eventBody: \(error.message)")
        }
        var attributes = base
        if let auditID = body["id"]?.stringValue { attributes.append(key: "audit_id", value: .string(auditID)) }
        for member in event.attributes { attributes.append(key: member.key, value: member.value) }
        // With its own audit id, the audit's identity is that id, the same as when it is pulled.
        if !hasAuditID { event.eventID = envelope.eventID }
        event.attributes = attributes
        event.fieldSources = Self.auditSources
        return event
    }

    private func generic(_ envelope: EventBridgeEnvelope, attributes base: JSONObject) throws(RelayError) -> Event {
        let timestamp = try envelope.eventTime()
        var attributes = base
        for member in envelope.eventBody where member.key != "eventTime" {
            attributes.appendFlattened(member.value, key: member.key)
        }
        var event = Event(
            eventID: envelope.eventID,
            timestamp: timestamp,
            platform: .genesys,
            sourceKind: "notification",
            eventType: Self.genericEventType(topicPattern: envelope.detailType, topicName: envelope.topicName),
            attributes: attributes
        )
        event.fieldSources = Self.genericSources
        return event
    }

    /// Sources of a body's fields inside the EventBridge event kept in `raw`, with the envelope's
    /// own attributes (`topic_name`, `correlation_id`, `audit_id`) and `extra` envelope paths.
    static func envelopeSources(_ body: FieldSources, adding extra: [String: [String]] = [:]) -> FieldSources {
        let envelope = [
            "attributes.topic_name": ["detail.topicName"],
            "attributes.correlation_id": ["detail.metadata.CorrelationId"],
            "attributes.audit_id": ["detail.eventBody.id"],
        ]
        return body.nested(under: "detail.eventBody", adding: envelope.merging(extra, uniquingKeysWith: +))
    }

    private static let auditSources = envelopeSources(GenesysAuditNormalizer.topicSources)
    private static let genericSources = envelopeSources(FieldSources())

    /// The topic's fixed words in upper snake case: `{id}` placeholders of the pattern (or id-like
    /// segments of the concrete topic) and the leading `v2` are left out.
    static func genericEventType(topicPattern: String?, topicName: String) -> String {
        let source = topicPattern.flatMap { $0.hasPrefix("v2.") ? $0 : nil } ?? topicName
        var words: [Substring] = []
        for (index, segment) in source.split(separator: ".").enumerated() {
            if index == 0, segment == "v2" { continue }
            if segment.hasPrefix("{") || looksLikeID(segment) { continue }
            words.append(segment)
        }
        let type = TopicAttributes.upperSnake(words)
        return type.isEmpty ? "NOTIFICATION" : type
    }

    /// A UUID-like or numeric segment.
    private static func looksLikeID(_ segment: Substring) -> Bool {
        let digits = segment.filter(\.isNumber).count
        return digits > 0 && (segment.contains("-") || digits == segment.count || digits * 3 >= segment.count)
    }
}
