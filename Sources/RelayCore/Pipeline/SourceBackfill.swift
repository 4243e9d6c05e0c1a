import Logging

/// What extracting one backfill window did.
public struct BackfillWindowReport: Sendable, Equatable {
    /// Pages committed (results pages with records).
    public var pages = 0
    /// Records read (events and malformed).
    public var records = 0
    public var accepted = 0
    public var duplicates = 0
    public var malformed = 0
    /// The window's checkpoint said it was already done: nothing was asked.
    public var alreadyDone = false
    /// A query from an earlier, interrupted run was reused.
    public var resumed = false

    public init() {}
}

/// One slice of a backfill range, extracted resumably through an intake of its source.
public struct BackfillWindow: Sendable {
    /// Extracts the window into `intake`; `onPage` hears of every committed page.
    public typealias Extraction =
        @Sendable (
            _ intake: any SourceSender, _ logger: Logger, _ onPage: @escaping @Sendable (BackfillWindowReport) -> Void
        ) async throws -> BackfillWindowReport

    /// Names the window in logs (`service X, window A/B`).
    public var label: String
    public var extract: Extraction

    public init(label: String, extract: @escaping Extraction) {
        self.label = label
        self.extract = extract
    }
}

/// How a pull source extracts a past range on request (`ccrelay backfill`), beside its live
/// cycles: it cuts the range into windows whose progress is checkpointed, so an interrupted run
/// resumes. A source that cannot has none (``PullSource/backfill``).
public protocol SourceBackfill: Sendable {
    /// The windows covering `from..<to`, for every part of the source or only `part` (a Genesys
    /// audit service) when given; `rateLimitWait` is the longest the platform's rate limit is
    /// waited out before the run stops.
    func windows(from: Timestamp, to: Timestamp, part: String?, rateLimitWait: Duration) async throws
        -> [BackfillWindow]
}
