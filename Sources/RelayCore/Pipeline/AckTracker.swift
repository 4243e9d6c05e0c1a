/// Batches sent and awaiting their destination's acknowledgement: a pure value the sink worker
/// keeps, so the bookkeeping is tested without I/O.
public struct AckTracker: Sendable {
    struct Pending: Sendable {
        let entries: [OutboxEntry]
        let sentAt: WallInstant
    }

    private var pending: [AckToken: Pending] = [:]
    /// Set once the destination said it does not do acknowledgement (so that is logged once).
    public var acknowledgementDisabledNoticed = false

    public init() {}

    /// Batches awaiting acknowledgement.
    public var count: Int { pending.count }
    public var isEmpty: Bool { pending.isEmpty }
    /// Every pending token, oldest id first.
    public var tokens: [AckToken] { pending.keys.sorted { ($0.group, $0.id) < ($1.group, $1.id) } }
    /// Rows held by pending batches.
    public var entryCount: Int { pending.values.reduce(0) { $0 + $1.entries.count } }

    /// Records a batch the destination accepted under `token`.
    public mutating func add(_ token: AckToken, entries: [OutboxEntry], sentAt: WallInstant) {
        pending[token] = Pending(entries: entries, sentAt: sentAt)
    }

    /// Removes and returns the batches of the confirmed tokens.
    public mutating func confirm(_ confirmed: Set<AckToken>) -> [[OutboxEntry]] {
        confirmed.compactMap { pending.removeValue(forKey: $0)?.entries }
    }

    /// Removes and returns the batches that waited longer than `timeout` (to be resent).
    public mutating func expire(now: WallInstant, timeout: Duration) -> [[OutboxEntry]] {
        let expired = pending.filter { $0.value.sentAt.advanced(by: timeout) <= now }
        for token in expired.keys { pending[token] = nil }
        return expired.sorted { $0.value.sentAt < $1.value.sentAt }.map(\.value.entries)
    }

    /// Removes and returns every pending batch.
    public mutating func removeAll() -> [[OutboxEntry]] {
        defer { pending.removeAll() }
        return pending.values.sorted { $0.sentAt < $1.sentAt }.map(\.entries)
    }
}
