import RelayCore

/// One service over one interval of at most 31 days: the unit of asynchronous extraction, with its
/// own checkpoint partition (`<prefix>:<service>:<start ISO 8601>`).
public struct GenesysAuditWindow: Sendable, Equatable {
    public var service: String
    /// Inclusive start.
    public var start: Timestamp
    /// Exclusive end.
    public var end: Timestamp

    public init(service: String, start: Timestamp, end: Timestamp) {
        self.service = service
        self.start = start
        self.end = end
    }

    /// The checkpoint partition of this window under `prefix` (`backfill` or `async`).
    public func partition(prefix: String) -> String { "\(prefix):\(service):\(start.iso8601)" }

    /// `[start, end)` cut into consecutive windows of at most `maximum` (default 31 days) for `service`.
    public static func split(
        service: String, from start: Timestamp, to end: Timestamp,
        maximum: Duration = GenesysAsyncAuditQuery.maximumInterval
    ) -> [GenesysAuditWindow] {
        var windows: [GenesysAuditWindow] = []
        var cursor = start
        let step = Int64(maximum.seconds * 1000)
        guard step > 0 else { return [] }
        while cursor < end {
            let next = Timestamp(
                millisecondsSinceEpoch: min(cursor.millisecondsSinceEpoch + step, end.millisecondsSinceEpoch))
            windows.append(GenesysAuditWindow(service: service, start: cursor, end: next))
            cursor = next
        }
        return windows
    }
}

/// Where a window's extraction stands, stored as its partition's checkpoint (JSON):
/// `{"transaction":"…","cursor":"…"}` while paging, `{"done":true}` when every page is committed.
struct GenesysWindowProgress: Equatable {
    var transaction: String?
    var cursor: String?
    var done = false

    static func parse(_ text: String?) -> GenesysWindowProgress {
        guard let text, let value = try? JSONParser.parse(Array(text.utf8)) else { return GenesysWindowProgress() }
        return GenesysWindowProgress(
            transaction: value["transaction"]?.stringValue, cursor: value["cursor"]?.stringValue,
            done: value["done"]?.boolValue ?? false
        )
    }

    var text: String {
        var object = JSONObject()
        if let transaction { object["transaction"] = .string(transaction) }
        if let cursor { object["cursor"] = .string(cursor) }
        if done { object["done"] = .bool(true) }
        return JSONWriter.string(.object(object))
    }
}
