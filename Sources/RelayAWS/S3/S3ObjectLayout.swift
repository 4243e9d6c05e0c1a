import Crypto
import RelayAWSCore
import RelayCore

/// How a batch becomes S3 objects: events grouped by the UTC hour of their own time, each group one
/// gzip-compressed NDJSON object (the normalized events byte for byte, one per line) keyed
/// `prefix/<segment>/YYYY/MM/DD/HH/<uuid>.json.gz`.
///
/// The uuid is derived from the sink and the group's event ids (an RFC 9562 version 8 UUID over
/// SHA-256), so a batch sent again after a lost answer overwrites its own object instead of
/// leaving a second copy in the archive.
public struct S3ObjectLayout: Sendable {
    /// One object to write.
    public struct Object: Sendable, Equatable {
        public var key: String
        /// The outbox rows it holds, in outbox order.
        public var entryIDs: [Int64]
        /// Uncompressed NDJSON.
        public var ndjson: [UInt8]
    }

    /// The key prefix without a trailing `/` (may be empty).
    public var prefix: String
    /// The key segment after the prefix (the sink's name).
    public var segment: String

    public init(prefix: String, segment: String) {
        var prefix = prefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.prefix = prefix
        self.segment = segment
    }

    /// The objects for `entries`, in the order of their first event.
    public func objects(for entries: [OutboxEntry]) -> [Object] {
        var order: [Int64] = []
        var groups: [Int64: [OutboxEntry]] = [:]
        for entry in entries {
            let hour = Self.floorDivide(entry.timestamp.millisecondsSinceEpoch, 3_600_000)
            if groups[hour] == nil { order.append(hour) }
            groups[hour, default: []].append(entry)
        }
        return order.map { hour in
            let members = groups[hour] ?? []
            var ndjson: [UInt8] = []
            ndjson.reserveCapacity(members.reduce(0) { $0 + $1.payload.count + 1 })
            for entry in members {
                ndjson.append(contentsOf: entry.payload)
                ndjson.append(UInt8(ascii: "\n"))
            }
            let key =
                keyPrefix(forHourStarting: Timestamp(millisecondsSinceEpoch: hour * 3_600_000))
                + objectUUID(for: members.map(\.eventID)) + ".json.gz"
            return Object(key: key, entryIDs: members.map(\.id), ndjson: ndjson)
        }
    }

    /// `prefix/segment/YYYY/MM/DD/HH/` for the hour holding `time`.
    public func keyPrefix(forHourStarting time: Timestamp) -> String {
        // `2021-06-25T15:11:52.435Z`: date before the `T`, hour right after it.
        let iso = time.iso8601
        let parts = iso.split(separator: "T", maxSplits: 1)
        let date = parts.first.map(String.init) ?? ""
        let hour = parts.count > 1 ? String(parts[1].prefix(2)) : "00"
        let day = date.suffix(2)
        let month = date.dropLast(3).suffix(2)
        let year = date.dropLast(6)
        let head = prefix.isEmpty ? "" : prefix + "/"
        return "\(head)\(segment)/\(year)/\(month)/\(day)/\(hour)/"
    }

    /// A version 8 UUID from SHA-256 over the segment and the event ids.
    func objectUUID(for eventIDs: [String]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(segment.utf8))
        for id in eventIDs {
            hasher.update(data: [0x0A])
            hasher.update(data: Array(id.utf8))
        }
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = SigV4Encoding.hex(bytes)
        let characters = Array(hex)
        func slice(_ range: Range<Int>) -> String { String(characters[range]) }
        return "\(slice(0..<8))-\(slice(8..<12))-\(slice(12..<16))-\(slice(16..<20))-\(slice(20..<32))"
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
