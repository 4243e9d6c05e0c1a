import RelayCore

/// Turns outbox rows into one OTLP/JSON `ExportLogsServiceRequest` (docs/protocols.md,
/// "OpenTelemetry OTLP/HTTP").
///
/// * One `ResourceLogs` per platform and `source_kind`, in the order they first appear; its
///   resource attributes are `service.name` (configured, default `ccrelay`), `ccrelay.platform`
///   and `ccrelay.source_kind`. One `ScopeLogs` with scope `ccrelay`.
/// * One `LogRecord` per event: `timeUnixNano` the event's time and `observedTimeUnixNano` when it
///   entered the outbox (64-bit integers, so decimal strings in JSON); `severityNumber` (an enum:
///   an integer, never its name) and `severityText` from ``OTLPSeverity``; `body` the normalized
///   event as one JSON string (kept byte for byte, so a backend that parses JSON bodies, as Loki
///   and Honeycomb do, sees every field); no `traceId` / `spanId` (an audit record has no trace
///   context, and empty ids are omitted).
/// * Attributes: `event.id`, `event.type`, `event.source_kind`, `actor.id`, `actor.name`,
///   `target.id`, `target.type` when present, then each member of the event's `attributes` as
///   `attributes.<key>` with its JSON kind kept (``anyValue(_:)``).
public struct OTLPLogsEncoder: Sendable {
    /// `service.name` of every resource.
    public let serviceName: String

    /// Normalized fields copied into attributes, with the attribute name each gets.
    static let fieldAttributes: [(field: String, attribute: String)] = [
        ("event_id", "event.id"), ("event_type", "event.type"), ("source_kind", "event.source_kind"),
        ("actor_id", "actor.id"), ("actor_name", "actor.name"), ("target_id", "target.id"),
        ("target_type", "target.type"),
    ]

    /// An encoder naming `serviceName` in every resource.
    public init(serviceName: String = "ccrelay") {
        self.serviceName = serviceName
    }

    /// The request body for `entries`, uncompressed.
    public func encode(_ entries: [OutboxEntry]) -> [UInt8] {
        var groups: [(platform: String, sourceKind: String, records: [[UInt8]])] = []
        for entry in entries {
            let event = (try? JSONParser.parse(entry.payload))?.objectValue
            let sourceKind = event?["source_kind"]?.stringValue ?? "unknown"
            let record = logRecord(entry, event: event)
            let platform = entry.platform.rawValue
            if let index = groups.firstIndex(where: { $0.platform == platform && $0.sourceKind == sourceKind }) {
                groups[index].records.append(record)
            } else {
                groups.append((platform, sourceKind, [record]))
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(256) { $0 + $1.payload.count * 2 + 512 })
        out.append(contentsOf: #"{"resourceLogs":["#.utf8)
        for (index, group) in groups.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"resource":{"attributes":"#.utf8)
            Self.writeAttributes(
                [
                    ("service.name", .string(serviceName)), ("ccrelay.platform", .string(group.platform)),
                    ("ccrelay.source_kind", .string(group.sourceKind)),
                ], into: &out)
            out.append(contentsOf: #"},"scopeLogs":[{"scope":{"name":"ccrelay"},"logRecords":["#.utf8)
            for (position, record) in group.records.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: record)
            }
            out.append(contentsOf: "]}]}".utf8)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// One `LogRecord` object.
    func logRecord(_ entry: OutboxEntry, event: JSONObject?) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var separator = false
        if let nanos = Self.unixNanos(entry.timestamp) {
            out.append(contentsOf: "\"timeUnixNano\":\"\(nanos)\"".utf8)
            separator = true
        }
        if let nanos = Self.unixNanos(entry.enqueuedAt) {
            if separator { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "\"observedTimeUnixNano\":\"\(nanos)\"".utf8)
            separator = true
        }
        let severity = event.map(OTLPSeverity.init(event:)) ?? .info
        if separator { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: "\"severityNumber\":\(severity.number)".utf8)
        out.append(contentsOf: #","severityText":"#.utf8)
        JSONWriter.writeString(severity.text, into: &out)
        out.append(contentsOf: #","body":{"stringValue":"#.utf8)
        JSONWriter.writeString(String(decoding: entry.payload, as: UTF8.self), into: &out)
        out.append(contentsOf: #"},"attributes":"#.utf8)
        Self.writeAttributes(attributes(entry, event: event), into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The record's attributes, in order.
    func attributes(_ entry: OutboxEntry, event: JSONObject?) -> [(String, JSONValue)] {
        guard let event else { return [("event.id", .string(entry.eventID))] }
        var list: [(String, JSONValue)] = []
        for (field, attribute) in Self.fieldAttributes {
            if let value = event[field], !value.isNull { list.append((attribute, value)) }
        }
        if !list.contains(where: { $0.0 == "event.id" }) { list.insert(("event.id", .string(entry.eventID)), at: 0) }
        for member in event["attributes"]?.objectValue ?? JSONObject() {
            list.append(("attributes." + member.key, member.value))
        }
        return list
    }

    /// A `KeyValue` list: `[{"key":...,"value":<AnyValue>},...]`.
    static func writeAttributes(_ attributes: [(String, JSONValue)], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, (key, value)) in attributes.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"key":"#.utf8)
            JSONWriter.writeString(key, into: &out)
            out.append(contentsOf: #","value":"#.utf8)
            JSONWriter.write(anyValue(value), into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A JSON value as an OTLP `AnyValue`: `stringValue`, `boolValue`, `intValue` (a 64-bit
    /// integer, so a decimal string), `doubleValue` (a number), `arrayValue {values}`,
    /// `kvlistValue {values}`; `null` is the empty AnyValue `{}`. An integer beyond 64 bits is kept
    /// as its literal in `stringValue`, so it never rounds.
    public static func anyValue(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null: return .object(JSONObject())
        case .bool(let flag): return ["boolValue": .bool(flag)]
        case .string(let text): return ["stringValue": .string(text)]
        case .number(let number):
            let literal = number.literal
            if !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                guard let integer = Int64(literal) else { return ["stringValue": .string(literal)] }
                return ["intValue": .string(String(integer))]
            }
            return ["doubleValue": .number(number)]
        case .array(let values):
            return ["arrayValue": ["values": .array(values.map(anyValue))]]
        case .object(let object):
            let values = object.map { member -> JSONValue in
                ["key": .string(member.key), "value": anyValue(member.value)]
            }
            return ["kvlistValue": ["values": .array(values)]]
        }
    }

    /// Nanoseconds since the Unix epoch as a decimal string; `nil` (the field is omitted, meaning
    /// unknown) for a time before 1970 or past what 64 bits hold (year 2262).
    static func unixNanos(_ timestamp: Timestamp) -> String? {
        let (nanos, overflow) = timestamp.millisecondsSinceEpoch.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow, nanos > 0 else { return nil }
        return String(nanos)
    }
}
