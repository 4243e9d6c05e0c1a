import Logging
import RelayCore

/// The contract every pull source keeps, run by each source's test target through its
/// ``PullSourceComplianceHarness``: it resumes from its checkpoint without re-reading what was
/// committed before its look-back, a new instance over the same checkpoints continues where the old
/// one stopped, a refused commit leaves the checkpoint behind what it would have covered (nothing
/// is skipped), and a 429 pauses the source for at least the asked time without a request.
public enum PullSourceCompliance {
    /// One check of the suite.
    public enum Check: String, CaseIterable, Sendable {
        case resumesFromCheckpoint
        case survivesRestart
        case doesNotAdvancePastUncommitted
        case honoursRateLimits
    }

    /// One check for one source: a test argument.
    public struct Case: Sendable, CustomStringConvertible {
        public let harness: any PullSourceComplianceHarness
        public let check: Check

        public var description: String { "\(harness.name): \(check.rawValue)" }
    }

    /// Every check for each of `harnesses`.
    public static func cases(_ harnesses: [any PullSourceComplianceHarness]) -> [Case] {
        harnesses.flatMap { harness in Check.allCases.map { Case(harness: harness, check: $0) } }
    }

    static let logger = Logger.quiet("ccrelay.sources.compliance")

    /// Runs one check; throws a ``ComplianceFailure`` when the source breaks the contract.
    public static func run(_ testCase: Case) async throws {
        let clock = ManualClock()
        let harness = testCase.harness
        let checker = Checker(check: "source." + testCase.check.rawValue, component: harness.name)
        try await harness.withPlatform(clock: clock) { platform in
            let intake = InMemoryIntake()
            // 20 records in four batches further apart than the look-back, the last one older than
            // the look-back behind the first checkpoint: a resumed source has no reason to read them
            // again, and one that took a refused page as done would never read that page.
            for _ in 0..<4 {
                platform.addRecords(5)
                clock.advance(by: harness.lookback + .seconds(60))
            }
            switch testCase.check {
            case .resumesFromCheckpoint:
                try await resumes(platform, clock: clock, intake: intake, restart: false, checker)
            case .survivesRestart:
                try await resumes(platform, clock: clock, intake: intake, restart: true, checker)
            case .doesNotAdvancePastUncommitted:
                try await refusedCommit(platform, intake: intake, checker)
            case .honoursRateLimits:
                try await rateLimit(platform, clock: clock, intake: intake, checker)
            }
        }
    }

    /// A first cycle takes all 20 records; after new records arrive, the next cycle (of the same
    /// instance, or of a new one when `restart`) reads only those.
    static func resumes(
        _ platform: PullSourceCompliancePlatform, clock: ManualClock, intake: InMemoryIntake, restart: Bool,
        _ checker: Checker
    ) async throws {
        let first = try platform.makeSource()
        let initial = try await first.runCycle(into: intake, logger: logger)
        try checker.require(initial.accepted == 20, "the first cycle accepted \(initial.accepted) of 20 records")
        platform.addRecords(5)
        clock.advance(by: .seconds(1))
        let next = restart ? try platform.makeSource() : first
        let resumed = try await next.runCycle(into: intake, logger: logger)
        try checker.require(resumed.accepted == 5, "the resumed cycle accepted \(resumed.accepted) of 5 new records")
        try checker.require(
            resumed.records == 5 && resumed.duplicates == 0,
            "the resumed cycle read \(resumed.records) records (\(resumed.duplicates) already committed) for 5 new ones"
        )
        let held = await intake.eventIDs.count
        try checker.require(held == 25, "the intake holds \(held) events, expected 25")
    }

    /// A cycle whose second commit is refused: the next cycle of the same instance still collects
    /// every record, so nothing past the refused commit was taken as done.
    static func refusedCommit(_ platform: PullSourceCompliancePlatform, intake: InMemoryIntake, _ checker: Checker)
        async throws
    {
        let source = try platform.makeSource()
        let failing = FailingIntake(over: intake, failingCommit: 2)
        _ = try? await source.runCycle(into: failing, logger: logger)
        let before = await intake.eventIDs.count
        try checker.require(before < 20, "every record was committed although a commit was refused")
        _ = try await source.runCycle(into: intake, logger: logger)
        let after = await intake.eventIDs.count
        try checker.require(after == 20, "after the refused commit the source collected \(after) of 20 records")
    }

    /// A 429 with `Retry-After` is reported as a wait of at least that long; a cycle started early
    /// sends nothing; once the wait is over the source collects what the limit held back.
    static func rateLimit(
        _ platform: PullSourceCompliancePlatform, clock: ManualClock, intake: InMemoryIntake, _ checker: Checker
    ) async throws {
        let source = try platform.makeSource()
        let initial = try await source.runCycle(into: intake, logger: logger)
        try checker.require(initial.accepted == 20, "the first cycle accepted \(initial.accepted) of 20 records")
        platform.addRecords(5)
        clock.advance(by: .seconds(1))
        platform.rateLimitNextRequest(120)
        let limited = try await source.runCycle(into: intake, logger: logger)
        let wait = limited.retryAfter ?? .zero
        try checker.require(wait >= .seconds(120), "a 429 asking for 120 s was reported as a wait of \(wait)")
        let requests = platform.apiRequests()
        clock.advance(by: .seconds(60))
        let early = try await source.runCycle(into: intake, logger: logger)
        try checker.require(early.retryAfter != nil, "a cycle inside the wait reported no wait")
        let sent = platform.apiRequests() - requests
        try checker.require(sent == 0, "a cycle inside the wait sent \(sent) requests")
        clock.advance(by: wait)
        _ = try await source.runCycle(into: intake, logger: logger)
        let held = await intake.eventIDs.count
        try checker.require(held == 25, "after the wait the intake holds \(held) events, expected 25")
    }
}
