import RelayCore

/// Encodes outbox rows as a HEC batch: concatenated JSON envelopes (not an array), each with
/// `time` in epoch seconds with milliseconds, `host`, `source`, `sourcetype`, `index`,
/// `fields.event_id` (an indexed field, so searches can `dedup event_id` cheaply) and the
/// normalized event as `event` in the sink's ``EventEncoding``: with `encoding: full` copied byte
/// for byte from the outbox, with `compact` (the default) as ``CompactEvent`` writes it.
///
/// `source` is the configured one, else `<platform>:<source_kind>` per event (`genesys:audit`,
/// `genesys:conversation`, `genesys:edge_metrics`, `cxone:audit`), read from the payload's
/// top-level `source_kind`; `<platform>:unknown` when the payload has none.
public struct SplunkHECEncoder: Sendable {
    private let prefixAfterTime: [UInt8]
    private let fixedSource: [UInt8]?
    private let encoding: EventEncoding

    public init(configuration: SplunkHECSinkConfiguration) {
        var fixed: [UInt8] = []
        if let host = configuration.host {
            fixed.append(contentsOf: #","host":"#.utf8)
            JSONWriter.writeString(host, into: &fixed)
        }
        fixed.append(contentsOf: #","sourcetype":"#.utf8)
        JSONWriter.writeString(configuration.sourcetype, into: &fixed)
        if let index = configuration.index {
            fixed.append(contentsOf: #","index":"#.utf8)
            JSONWriter.writeString(index, into: &fixed)
        }
        self.prefixAfterTime = fixed
        self.encoding = configuration.encoding
        self.fixedSource = configuration.source.map { source in
            var bytes: [UInt8] = []
            JSONWriter.writeString(source, into: &bytes)
            return bytes
        }
    }

    /// The uncompressed request body for `entries`.
    public func encode(_ entries: [OutboxEntry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(0) { $0 + $1.payload.count + 200 })
        for entry in entries { append(entry, to: &out) }
        return out
    }

    /// Appends one envelope.
    public func append(_ entry: OutboxEntry, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"time":"#.utf8)
        out.append(contentsOf: entry.timestamp.epochSecondsLiteral.utf8)
        out.append(contentsOf: prefixAfterTime)
        out.append(contentsOf: #","source":"#.utf8)
        if let fixedSource {
            out.append(contentsOf: fixedSource)
        } else {
            let kind = Self.sourceKind(in: entry.payload) ?? "unknown"
            JSONWriter.writeString(entry.platform.rawValue + ":" + kind, into: &out)
        }
        out.append(contentsOf: #","fields":{"event_id":"#.utf8)
        JSONWriter.writeString(entry.eventID, into: &out)
        out.append(contentsOf: #"},"event":"#.utf8)
        out.append(contentsOf: encoding.payload(entry.payload, keys: .short))
        out.append(UInt8(ascii: "}"))
    }

    private static let sourceKindKey = Array(#""source_kind":""#.utf8)

    /// The value of the first `"source_kind":"…"` member, when it is a plain name (letters, digits,
    /// `_`, `-`, `.`, at most 64 bytes). The normalized encoding writes it before `attributes` and
    /// `raw`, and the byte sequence cannot occur inside a JSON string (its quotes would be escaped),
    /// so the first match is the top-level member; the payload is not parsed.
    static func sourceKind(in payload: [UInt8]) -> String? {
        let key = sourceKindKey
        guard payload.count > key.count else { return nil }
        var start = 0
        while start + key.count <= payload.count {
            if payload[start] == key[0], payload[start..<(start + key.count)].elementsEqual(key) { break }
            start += 1
        }
        let valueStart = start + key.count
        guard valueStart <= payload.count else { return nil }
        var end = valueStart
        while end < payload.count, end - valueStart <= 64 {
            let byte = payload[end]
            if byte == UInt8(ascii: "\"") { break }
            let plain =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard plain else { return nil }
            end += 1
        }
        guard end < payload.count, payload[end] == UInt8(ascii: "\""), end > valueStart, end - valueStart <= 64 else {
            return nil
        }
        return String(decoding: payload[valueStart..<end], as: UTF8.self)
    }
}
