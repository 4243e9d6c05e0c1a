import RelayCore

/// Turns outbox rows into Datadog log entries.
///
/// Mapping of a normalized event to one entry:
/// * Datadog's reserved attributes come first: `message` (a short summary, e.g.
///   `QUEUE_UPDATED by Jane Doe on queue 4711`), `ddsource` (configured, else the platform),
///   `ddtags`, `hostname` (when configured), `service`, `status`.
/// * Then `event_time`: the event's own time (its `timestamp`, ISO 8601 UTC). The entry carries no
///   `timestamp` (nor any of Datadog's default date attributes), so Datadog dates the log when it
///   receives it: a monitor's window (`last("5m")`) sees a record that arrives hours late, and a
///   backfill is not refused (Datadog refuses logs dated more than 18 hours in the past).
/// * Then every other field of the normalized event at the top level, values unchanged:
///   `event_id`, `platform`, `event_type`, `actor_id`, ..., and the nested `attributes` object
///   (faceted as `@attributes.<dotted key>`). Fields at the top level make `@event_type` or
///   `@actor_id` facets work without a pipeline.
/// * An entry over 1 MB is trimmed: fields are kept in order while they fit, a string that does
///   not fit is cut, objects and arrays that do not fit are dropped, and the marker fields
///   `ccrelay_truncated: true`, `ccrelay_original_bytes` and `ccrelay_dropped_fields` say so.
public struct DatadogLogsEncoder: Sendable {
    private let configuration: DatadogLogsSinkConfiguration
    private let maxLogBytes: Int
    /// `"ddtags":...,"hostname":...,"service":...,"status":...` after `ddsource`.
    private let fixedTail: [UInt8]

    /// Reserved keys the encoder writes itself; event fields with these names are not repeated.
    static let reservedKeys: Set<String> = ["message", "ddsource", "ddtags", "hostname", "service", "status"]

    /// - Parameter maxLogBytes: largest entry; default the intake's 1 MB (tests pass less).
    public init(
        configuration: DatadogLogsSinkConfiguration, maxLogBytes: Int = DatadogLogsSinkConfiguration.Limits.logBytes
    ) {
        self.configuration = configuration
        self.maxLogBytes = max(maxLogBytes, 1024)
        var tail: [UInt8] = []
        tail.append(contentsOf: #","ddtags":"#.utf8)
        JSONWriter.writeString(configuration.ddtags, into: &tail)
        if let hostname = configuration.hostname {
            tail.append(contentsOf: #","hostname":"#.utf8)
            JSONWriter.writeString(hostname, into: &tail)
        }
        tail.append(contentsOf: #","service":"#.utf8)
        JSONWriter.writeString(configuration.service, into: &tail)
        tail.append(contentsOf: #","status":"#.utf8)
        JSONWriter.writeString(configuration.status, into: &tail)
        self.fixedTail = tail
    }

    /// The attribute carrying the event's own time.
    public static let eventTimeKey = "event_time"
    /// The normalized event's time field, which the entry does not repeat under its own name.
    static let eventTimestampKey = "timestamp"

    /// One entry (a JSON object), at most `maxLogBytes` long.
    public func encode(_ entry: OutboxEntry) -> [UInt8] {
        var fields = JSONObject()
        guard let event = (try? JSONParser.parse(entry.payload))?.objectValue else {
            // Not an object: keep it, as text, so the entry stays valid JSON.
            fields.append(key: "event_id", value: .string(entry.eventID))
            fields.append(key: Self.eventTimeKey, value: .string(entry.timestamp.iso8601))
            fields.append(key: "raw_payload", value: .string(String(decoding: entry.payload, as: UTF8.self)))
            return trimmed(
                header(entry, message: "unparseable event \(entry.eventID)"), fields, originalBytes: entry.payload.count
            )
        }
        fields.reserveCapacity(event.count + 1)
        fields.append(
            key: Self.eventTimeKey, value: event[Self.eventTimestampKey] ?? .string(entry.timestamp.iso8601))
        for member in event where member.key != Self.eventTimestampKey && !Self.reservedKeys.contains(member.key) {
            fields.append(key: member.key, value: member.value)
        }
        let message = Self.summary(of: event)
        var out = header(entry, message: message)
        for member in fields {
            out.append(UInt8(ascii: ","))
            JSONWriter.writeString(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.write(member.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        guard out.count > maxLogBytes else { return out }
        return trimmed(header(entry, message: message), fields, originalBytes: out.count)
    }

    /// `{"message":...,"ddsource":...,<fixed tail>` without the closing brace.
    private func header(_ entry: OutboxEntry, message: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entry.payload.count + fixedTail.count + 128)
        out.append(contentsOf: #"{"message":"#.utf8)
        JSONWriter.writeString(message, into: &out)
        out.append(contentsOf: #","ddsource":"#.utf8)
        JSONWriter.writeString(configuration.ddsource ?? entry.platform.rawValue, into: &out)
        out.append(contentsOf: fixedTail)
        return out
    }

    /// Appends `fields` after `header` while they fit, then the truncation marker when any did not.
    private func trimmed(_ header: [UInt8], _ fields: JSONObject, originalBytes: Int) -> [UInt8] {
        var out = header
        // Room kept for the marker fields and the dropped names' list.
        let budget = maxLogBytes - 512
        var dropped: [String] = []
        var cut = false
        for member in fields {
            var encoded: [UInt8] = [UInt8(ascii: ",")]
            JSONWriter.writeString(member.key, into: &encoded)
            encoded.append(UInt8(ascii: ":"))
            let prefixLength = encoded.count
            JSONWriter.write(member.value, into: &encoded)
            if out.count + encoded.count <= budget {
                out.append(contentsOf: encoded)
                continue
            }
            cut = true
            let room = budget - out.count - prefixLength - 2
            if case .string(let text) = member.value, room > 64,
                let shortened = Self.prefix(of: text, encodedWithin: room)
            {
                out.append(contentsOf: encoded.prefix(prefixLength))
                JSONWriter.writeString(shortened, into: &out)
            } else if dropped.count < 32 {
                dropped.append(member.key)
            }
        }
        if cut || out.count > budget {
            out.append(contentsOf: #","ccrelay_truncated":true,"ccrelay_original_bytes":"#.utf8)
            out.append(contentsOf: String(originalBytes).utf8)
            out.append(contentsOf: #","ccrelay_dropped_fields":"#.utf8)
            JSONWriter.write(.array(dropped.map { .string(String($0.prefix(64))) }), into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The longest prefix of `text` whose JSON string encoding (quotes included) fits `limit` bytes.
    static func prefix(of text: String, encodedWithin limit: Int) -> String? {
        var length = min(text.utf8.count, limit)
        while length > 0 {
            var end = text.utf8.index(text.utf8.startIndex, offsetBy: length)
            while end > text.utf8.startIndex, String.Index(end, within: text) == nil {
                text.utf8.formIndex(before: &end)
            }
            let candidate = String(text[..<end])
            var encoded: [UInt8] = []
            JSONWriter.writeString(candidate, into: &encoded)
            if encoded.count <= limit { return candidate }
            length -= max(encoded.count - limit, 1)
        }
        return nil
    }

    /// `EVENT_TYPE by actor on target`, from the normalized fields that are present.
    public static func summary(of event: JSONObject) -> String {
        var text = event["event_type"]?.stringValue ?? "event"
        if let actor = event["actor_name"]?.stringValue ?? event["actor_id"]?.stringValue {
            text += " by \(actor)"
        }
        if let target = event["target_id"]?.stringValue {
            let kind = event["target_type"]?.stringValue.map { "\($0) " } ?? ""
            text += " on \(kind)\(target)"
        }
        return text.count > 500 ? String(text.prefix(500)) + "…" : text
    }
}
