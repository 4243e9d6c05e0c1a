import RelayCore

/// Encodes outbox rows as a HEC batch: concatenated JSON envelopes (not an array), each with
/// `time` in epoch seconds with milliseconds, `host`, `source`, `sourcetype`, `index`,
/// `fields.event_id` (an indexed field, so searches can `dedup event_id` cheaply) and the
/// normalized event as `event`, copied byte for byte from the outbox.
public struct SplunkHECEncoder: Sendable {
    private let prefixAfterTime: [UInt8]
    private let fixedSource: [UInt8]?

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
            JSONWriter.writeString(entry.platform.rawValue + ":admin", into: &out)
        }
        out.append(contentsOf: #","fields":{"event_id":"#.utf8)
        JSONWriter.writeString(entry.eventID, into: &out)
        out.append(contentsOf: #"},"event":"#.utf8)
        out.append(contentsOf: entry.payload)
        out.append(UInt8(ascii: "}"))
    }
}
