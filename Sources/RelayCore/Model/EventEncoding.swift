/// How a sink writes each normalized event: the sink setting `encoding` (`compact` or `full`).
///
/// The outbox keeps the full encoding (``Event/encode(into:)``), so routes, detections, dead letters
/// and a sink set to `full` see every field; a `compact` sink compacts each payload as it encodes
/// its request (``CompactEvent``).
public enum EventEncoding: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Leaves out what carries no information: empty attributes and attributes that repeat a
    /// common field (see ``CompactEvent``). The default.
    case compact
    /// The normalized event exactly as stored in the outbox: every attribute, empty or not.
    case full

    /// The default encoding of a sink: ``compact``.
    public static let `default` = EventEncoding.compact

    public var description: String { rawValue }

    /// The bytes to send for one stored payload: `payload` itself for ``full``, its
    /// ``CompactEvent/compact(_:keys:)`` form for ``compact``, with `keys` (a sink uses short keys
    /// where the content `ccrelay generate` writes for its SIEM maps them back to the full names).
    public func payload(_ payload: [UInt8], keys: CompactEvent.KeyNames) -> [UInt8] {
        switch self {
        case .full: payload
        case .compact: CompactEvent.compact(payload, keys: keys)
        }
    }

    /// `entries` with each payload in this encoding (sinks that hand whole rows to an encoder).
    public func entries(_ entries: [OutboxEntry], keys: CompactEvent.KeyNames) -> [OutboxEntry] {
        guard self == .compact else { return entries }
        return entries.map { entry in
            var entry = entry
            entry.payload = CompactEvent.compact(entry.payload, keys: keys)
            return entry
        }
    }
}

/// The compact form of a normalized event (``EventEncoding/compact``). Every member keeps its value,
/// and its name unless ``KeyNames/short`` keys are asked for (``CompactKeys``); left out are:
/// * members whose value is `null`, `""`, `{}` or `[]`, at any depth of an object (elements of an
///   array are kept, so positions keep their meaning); an event without attributes has no
///   `attributes` member;
/// * attributes whose value is the same string as `actor_id`, `actor_name` or `target_id`: the
///   normalizer lifted them into the common field (a conversation's `conversation_id` is its
///   `target_id`, a detail event's `user_id` its `actor_id`);
/// * `attributes.topic_name` when it names the `target_id`: the topic is then the event type's
///   topic pattern with the target's id in it;
/// * an attribute another attribute summarizes, when the summary is present (``summarized``): a
///   transcript's utterance list `transcripts`, whose text, channels, finality and lowest
///   confidence are `transcript`, `channels`, `is_final` and `confidence`.
public enum CompactEvent {
    /// How the compact form names members.
    public enum KeyNames: Sendable {
        /// The full names, as the outbox and `encoding: full` have them.
        case full
        /// The short keys of ``CompactKeys`` for the fields it lists; other names as they are.
        case short
    }

    /// The common fields whose values an attribute must not repeat.
    public static let liftedFields = ["actor_id", "actor_name", "target_id"]

    /// Attributes left out when the attribute named by the value, their summary, is present.
    public static let summarized = ["transcripts": "transcript"]

    /// The compact encoding of a stored payload; a payload that is not a JSON object is returned
    /// unchanged (the sink sends what it was given).
    public static func compact(_ payload: [UInt8], keys: KeyNames = .full) -> [UInt8] {
        if let compact = compactSpans(payload, keys: keys) { return compact }
        return compactParsing(payload, keys: keys)
    }

    /// ``compact(_:)`` through a parsed tree: what it falls back to for payloads that are not compact
    /// JSON text, and the reference its span-copying path must agree with.
    public static func compactParsing(_ payload: [UInt8], keys: KeyNames = .full) -> [UInt8] {
        guard let object = (try? JSONParser.parse(payload))?.objectValue else { return payload }
        var out: [UInt8] = []
        out.reserveCapacity(payload.count)
        JSONWriter.write(.object(compact(object, keys: keys)), into: &out)
        return out
    }

    /// The compact form of a normalized event's JSON object.
    public static func compact(_ event: JSONObject, keys: KeyNames = .full) -> JSONObject {
        func commonKey(_ name: String, _ value: JSONValue) -> String {
            guard keys == .short, !isContainer(value) else { return name }
            return CompactKeys.key(ofCommonField: name) ?? name
        }
        func attributeKey(_ name: String, _ value: JSONValue) -> String {
            guard keys == .short, !isContainer(value) else { return name }
            return CompactKeys.key(ofAttribute: name) ?? name
        }
        let lifted = Set(liftedFields.compactMap { event[$0]?.stringValue })
        let targetID = event["target_id"]?.stringValue
        var out = JSONObject()
        out.reserveCapacity(event.count)
        for member in event {
            guard member.key == "attributes", case .object(let attributes) = member.value else {
                if let value = pruned(member.value) { out.append(key: commonKey(member.key, value), value: value) }
                continue
            }
            var kept = JSONObject()
            kept.reserveCapacity(attributes.count)
            for attribute in attributes {
                if let summary = summarized[attribute.key], attributes[summary] != nil { continue }
                if let text = attribute.value.stringValue {
                    if lifted.contains(text) { continue }
                    if attribute.key == "topic_name", let targetID, !targetID.isEmpty, text.contains(targetID) {
                        continue
                    }
                }
                if let value = pruned(attribute.value) {
                    kept.append(key: attributeKey(attribute.key, value), value: value)
                }
            }
            if !kept.isEmpty { out.append(key: member.key, value: .object(kept)) }
        }
        return out
    }

    /// `value` without empty members at any depth of its objects; `nil` when it is itself empty.
    static func pruned(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .null: return .none
        case .string(let text):
            guard !text.isEmpty else { return .none }
            return value
        case .bool, .number: return value
        case .array(let elements):
            guard !elements.isEmpty else { return .none }
            guard elements.contains(where: isContainer) else { return value }
            return .array(elements.map { pruned($0) ?? emptied($0) })
        case .object(let object):
            var kept = JSONObject()
            kept.reserveCapacity(object.count)
            for member in object {
                if let inner = pruned(member.value) { kept.append(key: member.key, value: inner) }
            }
            guard !kept.isEmpty else { return .none }
            return .object(kept)
        }
    }

    /// An element whose members were all empty, as an empty container in its place.
    private static func emptied(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object: .object(JSONObject())
        case .array: .array([])
        default: value
        }
    }

    private static func isContainer(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: true
        default: false
        }
    }
}
