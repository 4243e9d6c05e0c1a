import RelayCore

/// A platform as the pull-source compliance suite sees it: new source instances against it, and a
/// way to add records and to make it throttle.
public struct PullSourceCompliancePlatform: Sendable {
    /// A new source instance (as after a restart), paging in pages small enough that 20 records
    /// take several commits.
    public let makeSource: @Sendable () throws -> any PullSource
    /// Adds `count` records dated now, visible at once; each becomes one event.
    public let addRecords: @Sendable (_ count: Int) -> Void
    /// Makes the platform answer its next request 429 with `Retry-After: seconds`.
    public let rateLimitNextRequest: @Sendable (_ retryAfterSeconds: Int) -> Void
    /// API requests the platform has served so far (token requests excluded).
    public let apiRequests: @Sendable () -> Int

    public init(
        makeSource: @escaping @Sendable () throws -> any PullSource,
        addRecords: @escaping @Sendable (_ count: Int) -> Void,
        rateLimitNextRequest: @escaping @Sendable (_ retryAfterSeconds: Int) -> Void,
        apiRequests: @escaping @Sendable () -> Int
    ) {
        self.makeSource = makeSource
        self.addRecords = addRecords
        self.rateLimitNextRequest = rateLimitNextRequest
        self.apiRequests = apiRequests
    }
}

/// What a pull source's test target provides to run the pull-source compliance suite: a name, the
/// look-back overlap its sources re-read behind their checkpoint, and a running platform emulator.
public protocol PullSourceComplianceHarness: Sendable, CustomStringConvertible {
    /// The source type's name in test output.
    var name: String { get }
    /// How far behind its checkpoint a resumed source re-reads. The sources the platform makes must
    /// start (without a checkpoint) at least an hour back, further than this plus a minute.
    var lookback: Duration { get }
    /// Runs `body` with the platform up, every timer on `clock`.
    func withPlatform(clock: ManualClock, _ body: @Sendable (PullSourceCompliancePlatform) async throws -> Void)
        async throws
}

extension PullSourceComplianceHarness {
    public var description: String { name }
}
