import Crypto

/// The contact-center platform a record came from.
public struct Platform: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let genesys = Platform(rawValue: "genesys")
    public static let cxone = Platform(rawValue: "cxone")
}

/// A normalized event: the common schema every sink receives (see DESIGN.md, "Data flow").
/// Optional fields that are absent are omitted from the encoding rather than written as `null`.
public struct Event: Sendable, Equatable {
    /// Deterministic identity: see ``EventID``.
    public var eventID: String
    /// When the platform says it happened, UTC, millisecond precision.
    public var timestamp: Timestamp
    public var platform: Platform
    /// `audit`, `conversation`, `edge_metrics`, ...
    public var sourceKind: String
    /// Upper snake case, e.g. `QUEUE_CREATED`, `OAUTHCLIENT_VIEWED`.
    public var eventType: String
    public var actorID: String?
    public var actorName: String?
    public var targetID: String?
    public var targetType: String?
    /// JSON text describing the previous state, when the record carries one.
    public var oldValue: String?
    /// JSON text describing the new state, when the record carries one.
    public var newValue: String?
    /// Every remaining field of the record, flattened to dotted keys.
    public var attributes: JSONObject
    /// The platform's original record, only when a source is configured to keep it.
    public var raw: JSONValue?
    /// Where the normalizer read each field, for redaction (see ``FieldSources``); never encoded.
    /// Default `nil`: read as ``FieldSources/sameShape``.
    public var fieldSources: FieldSources? = nil

    public init(
        eventID: String,
        timestamp: Timestamp,
        platform: Platform,
        sourceKind: String,
        eventType: String,
        actorID: String? = nil,
        actorName: String? = nil,
        targetID: String? = nil,
        targetType: String? = nil,
        oldValue: String? = nil,
        newValue: String? = nil,
        attributes: JSONObject = JSONObject(),
        raw: JSONValue? = nil
    ) {
        self.eventID = eventID
        self.timestamp = timestamp
        self.platform = platform
        self.sourceKind = sourceKind
        self.eventType = eventType
        self.actorID = actorID
        self.actorName = actorName
        self.targetID = targetID
        self.targetType = targetType
        self.oldValue = oldValue
        self.newValue = newValue
        self.attributes = attributes
        self.raw = raw
    }

    /// The names of the common fields, in encoding order. Generators and tests derive field lists from this.
    public static let commonFieldNames = [
        "event_id", "timestamp", "platform", "source_kind", "event_type", "actor_id", "actor_name",
        "target_id", "target_type", "old_value", "new_value", "attributes", "raw",
    ]

    /// Appends the compact JSON encoding (snake_case keys, fixed order) to `out`.
    public func encode(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"event_id":"#.utf8)
        JSONWriter.writeString(eventID, into: &out)
        out.append(contentsOf: #","timestamp":""#.utf8)
        timestamp.writeISO8601(into: &out)
        out.append(contentsOf: #"","platform":"#.utf8)
        JSONWriter.writeString(platform.rawValue, into: &out)
        out.append(contentsOf: #","source_kind":"#.utf8)
        JSONWriter.writeString(sourceKind, into: &out)
        out.append(contentsOf: #","event_type":"#.utf8)
        JSONWriter.writeString(eventType, into: &out)
        func optional(_ key: String, _ value: String?) {
            guard let value else { return }
            out.append(contentsOf: key.utf8)
            JSONWriter.writeString(value, into: &out)
        }
        optional(#","actor_id":"#, actorID)
        optional(#","actor_name":"#, actorName)
        optional(#","target_id":"#, targetID)
        optional(#","target_type":"#, targetType)
        optional(#","old_value":"#, oldValue)
        optional(#","new_value":"#, newValue)
        out.append(contentsOf: #","attributes":"#.utf8)
        JSONWriter.write(.object(attributes), into: &out)
        if let raw {
            out.append(contentsOf: #","raw":"#.utf8)
            JSONWriter.write(raw, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The compact JSON encoding as bytes.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1_024)
        encode(into: &out)
        return out
    }
}

/// Deterministic event identities: the same platform record always gets the same id, whether it
/// is pulled again through an overlap window, redelivered by Firehose or replayed.
public enum EventID {
    /// 32 lowercase hex characters: the first 128 bits of SHA-256 over platform, native id and,
    /// for pushed events, the topic. Never derived from extraction time.
    public static func make(platform: Platform, nativeID: String, topic: String? = nil) -> String {
        // One contiguous input hashed in one call: updating a hasher part by part cost more than
        // the hash itself. Inputs are a few hundred bytes, so they are assembled on the stack.
        let separator: UInt8 = 0x1F
        let count = platform.rawValue.utf8.count + 1 + nativeID.utf8.count + (topic.map { 1 + $0.utf8.count } ?? 0)
        let digest = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { input in
            var used = 0
            func append(_ text: String) {
                used = input[used...].initialize(fromContentsOf: text.utf8)
            }
            append(platform.rawValue)
            input[used] = separator
            used += 1
            append(nativeID)
            if let topic {
                input[used] = separator
                used += 1
                append(topic)
            }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(input))
            return hasher.finalize()
        }
        return digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 32) { out in
                for index in 0..<16 {
                    out[2 * index] = hexDigits[Int(bytes[index] >> 4)]
                    out[2 * index + 1] = hexDigits[Int(bytes[index] & 0x0F)]
                }
                return 32
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
