import RelayCore

/// Encodes outbox entries as `_bulk` NDJSON: per event a `create` action naming the index and
/// `_id` = the event's `event_id` (so a resend is refused 409 and nothing is indexed twice), then
/// the normalized event with `@timestamp` (the event time) as its first field.
struct ElasticsearchBulkEncoder: Sendable {
    let index: String

    /// The two lines of one entry, each ending in a newline.
    func encode(_ entry: OutboxEntry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entry.payload.count + entry.eventID.utf8.count + index.utf8.count + 80)
        out.append(contentsOf: #"{"create":{"_index":"#.utf8)
        JSONWriter.writeString(index, into: &out)
        out.append(contentsOf: #","_id":"#.utf8)
        JSONWriter.writeString(entry.eventID, into: &out)
        out.append(contentsOf: "}}\n".utf8)
        out.append(contentsOf: #"{"@timestamp":"#.utf8)
        JSONWriter.writeString(entry.timestamp.iso8601, into: &out)
        // The payload is a JSON object: its members follow `@timestamp`.
        let payload = entry.payload
        guard let open = payload.firstIndex(of: UInt8(ascii: "{")) else {
            out.append(contentsOf: "}\n".utf8)
            return out
        }
        let rest = payload[(open + 1)...]
        let isEmpty = rest.first(where: { !Self.isWhitespace($0) }) == UInt8(ascii: "}")
        if !isEmpty { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: rest)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
