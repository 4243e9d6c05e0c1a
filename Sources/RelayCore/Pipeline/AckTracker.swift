/// Batches sent and awaiting their destination's acknowledgement: a pure value the sink worker
/// keeps, so the bookkeeping is tested without I/O. It holds each batch's outbox row ids and sizes,
/// never the payloads: the rows stay claimed (leased) in the outbox until they are confirmed
/// (removed) or their acknowledgement times out (given back to the outbox, to be claimed and sent
/// again), so millions of pending events cost a few bytes each.
public struct AckTracker: Sendable {
    /// One pending batch: its rows, its size, when it was claimed and when it was accepted.
    public struct Batch: Sendable, Equatable {
        /// The outbox row ids of the batch.
        public let ids: [Int64]
        /// Payload bytes of the batch (for the pending figures).
        public let bytes: Int
        /// When the destination accepted the batch.
        public let sentAt: WallInstant
        /// When its rows were claimed from the outbox (the start of its batch latency).
        public let claimedAt: WallInstant

        /// A pending batch of the rows `ids`, `bytes` long, claimed at `claimedAt` (by default
        /// `sentAt`) and accepted at `sentAt`.
        public init(ids: [Int64], bytes: Int, sentAt: WallInstant, claimedAt: WallInstant? = nil) {
            self.ids = ids
            self.bytes = bytes
            self.sentAt = sentAt
            self.claimedAt = claimedAt ?? sentAt
        }
    }

    private var pending: [AckToken: Batch] = [:]
    /// Events (rows) held by pending batches.
    public private(set) var eventCount = 0
    /// Payload bytes of pending batches.
    public private(set) var byteCount = 0
    /// Set once the destination said it does not do acknowledgement (so that is logged once).
    public var acknowledgementDisabledNoticed = false

    public init() {}

    /// Batches awaiting acknowledgement.
    public var count: Int { pending.count }
    public var isEmpty: Bool { pending.isEmpty }
    /// Every pending token, oldest id first.
    public var tokens: [AckToken] { pending.keys.sorted { ($0.group, $0.id) < ($1.group, $1.id) } }

    /// True when `limit` (events) is reached: the worker stops sending until acknowledgements come.
    public func isFull(maxEvents limit: Int) -> Bool { eventCount >= limit }

    /// Records a batch of `entries`, claimed at `claimedAt` (by default `sentAt`), that the
    /// destination accepted under `token` at `sentAt` (keeping ids and sizes).
    public mutating func add(
        _ token: AckToken, entries: [OutboxEntry], sentAt: WallInstant, claimedAt: WallInstant? = nil
    ) {
        let batch = Batch(
            ids: entries.map(\.id), bytes: entries.reduce(0) { $0 + $1.payload.count }, sentAt: sentAt,
            claimedAt: claimedAt)
        if let replaced = pending.updateValue(batch, forKey: token) { subtract(replaced) }
        eventCount += batch.ids.count
        byteCount += batch.bytes
    }

    /// Removes and returns the batches of the confirmed tokens, oldest first.
    public mutating func confirm(_ confirmed: Set<AckToken>) -> [Batch] {
        take(confirmed.filter { pending[$0] != nil })
    }

    /// Removes and returns the batches that waited longer than `timeout` (to be resent), oldest first.
    public mutating func expire(now: WallInstant, timeout: Duration) -> [Batch] {
        take(pending.filter { $0.value.sentAt.advanced(by: timeout) <= now }.keys)
    }

    /// Removes and returns every pending batch, oldest first.
    public mutating func removeAll() -> [Batch] {
        take(pending.keys)
    }

    private mutating func take(_ tokens: some Sequence<AckToken>) -> [Batch] {
        var taken: [Batch] = []
        for token in tokens {
            guard let batch = pending.removeValue(forKey: token) else { continue }
            subtract(batch)
            taken.append(batch)
        }
        return taken.sorted { $0.sentAt < $1.sentAt }
    }

    private mutating func subtract(_ batch: Batch) {
        eventCount -= batch.ids.count
        byteCount -= batch.bytes
    }
}

extension [AckTracker.Batch] {
    /// The row ids of every batch, in order.
    var allIDs: [Int64] { flatMap(\.ids) }
}
