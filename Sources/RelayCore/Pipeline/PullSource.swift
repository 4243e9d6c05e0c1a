import Logging

/// A record a source could not turn into an event, kept with its raw text.
public struct MalformedRecord: Sendable, Equatable {
    public var raw: String
    public var reason: String

    public init(raw: String, reason: String) {
        self.raw = raw
        self.reason = reason
    }
}

/// The sender a pull source writes to: it routes and encodes events, and commits each page together
/// with the checkpoint that covers it. Nothing a source hands over is acknowledged before it is durable.
public protocol SourceSender: Sendable {
    /// The checkpoint last committed for a partition of this source.
    func checkpoint(partition: String) async throws -> String?

    /// Makes a page durable: events into the outboxes (duplicates dropped), malformed records into
    /// dead letters, and the partition's checkpoint set to `checkpoint`, all in one transaction.
    @discardableResult
    func commit(partition: String, events: [Event], malformed: [MalformedRecord], checkpoint: String?) async throws
        -> AppendResult
}

/// What one extraction cycle did.
public struct CycleReport: Sendable, Equatable {
    public var pages: Int
    public var records: Int
    public var accepted: Int
    public var duplicates: Int
    public var malformed: Int
    /// Set when the platform asked for a pause (rate limit); the scheduler waits at least this long.
    public var retryAfter: Duration?
    /// Partitions (e.g. Genesys audit services) the platform refused this cycle while the others
    /// kept flowing, each with its error message; their checkpoints did not move. Default empty.
    public var failedPartitions: [String: String] = [:]
    /// Records first accepted this cycle although their event time was older than the cursor's
    /// look-back edge (found by a late-record sweep). Default 0.
    public var outOfOrder: Int = 0

    public init(
        pages: Int = 0, records: Int = 0, accepted: Int = 0, duplicates: Int = 0, malformed: Int = 0,
        retryAfter: Duration? = nil
    ) {
        self.pages = pages
        self.records = records
        self.accepted = accepted
        self.duplicates = duplicates
        self.malformed = malformed
        self.retryAfter = retryAfter
    }

    public mutating func add(_ result: AppendResult, records: Int) {
        pages += 1
        self.records += records
        accepted += result.accepted
        duplicates += result.duplicates
        malformed += result.deadLettered
    }
}

/// A source that polls a platform API. The core schedules cycles; the source pages, normalizes and
/// commits through the ``SourceSender``. A cycle that throws leaves its checkpoint where the last
/// committed page put it, so the next cycle re-reads from there.
public protocol PullSource: Sendable {
    /// The configured source name (unique in a config).
    var name: String { get }
    /// Time between the start of two cycles.
    var pollInterval: Duration { get }

    /// Runs one extraction cycle.
    func runCycle(into intake: any SourceSender, logger: Logger) async throws -> CycleReport

    /// How this source extracts a past range on request; `nil` (the default) when it cannot.
    var backfill: (any SourceBackfill)? { get }
}

extension PullSource {
    public var backfill: (any SourceBackfill)? { nil }
}
