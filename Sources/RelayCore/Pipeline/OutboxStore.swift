/// A row of a sink's outbox, claimed for delivery.
public struct OutboxEntry: Sendable, Equatable {
    /// Monotonic row id; delivery order follows it.
    public var id: Int64
    public var eventID: String
    public var timestamp: Timestamp
    public var platform: Platform
    public var payload: [UInt8]
    /// When it entered the outbox.
    public var enqueuedAt: Timestamp

    public init(
        id: Int64, eventID: String, timestamp: Timestamp, platform: Platform, payload: [UInt8], enqueuedAt: Timestamp
    ) {
        self.id = id
        self.eventID = eventID
        self.timestamp = timestamp
        self.platform = platform
        self.payload = payload
        self.enqueuedAt = enqueuedAt
    }
}

/// The outboxes: one durable queue per sink, which its workers claim, acknowledge, give back,
/// dead-letter or move to a fallback sink.
///
/// A claimed row stays in the outbox until ``acknowledge(sink:ids:)`` or
/// ``deadLetter(sink:entries:reason:attempts:now:)``; a claim expires at its lease time, so a
/// crashed worker's rows are delivered again. Claims need not outlive the store instance: a store
/// one process owns alone (SQLite) keeps them in memory, and a new instance finds every row claimable.
public protocol OutboxStore: Sendable {
    /// Claims the oldest unclaimed rows of a sink's outbox, up to `maxEvents` rows and about
    /// `maxBytes` of payload (always at least one row when any is available), until `leaseUntil`.
    func claim(sink: String, maxEvents: Int, maxBytes: Int, now: WallInstant, leaseUntil: WallInstant) async throws
        -> [OutboxEntry]

    /// Removes delivered rows from a sink's outbox.
    func acknowledge(sink: String, ids: [Int64]) async throws

    /// Makes claimed rows claimable again at once (a worker giving back what it will not send).
    func release(sink: String, ids: [Int64]) async throws

    /// Moves rows from a sink's outbox to dead letters with the reason, in one transaction.
    func deadLetter(sink: String, entries: [OutboxEntry], reason: String, attempts: Int, now: WallInstant) async throws

    /// Moves rows from one sink's outbox to another's (a fallback sink), unclaimed, in one transaction.
    func move(sink: String, ids: [Int64], toSink: String) async throws

    /// Rows waiting in a sink's outbox (claimed or not).
    func outboxDepth(sink: String) async throws -> Int

    /// When the oldest row waiting in a sink's outbox was enqueued, or `nil` when it is empty.
    func oldestEnqueued(sink: String) async throws -> Timestamp?
}
