import Logging
import RelayConfig
import RelayCore
import RelayRuntime

/// What `ccrelay backfill` asks for.
public struct BackfillRequest: Sendable, Equatable {
    /// The configured `genesys_audit` source whose credential, normalization and routes are used.
    public var source: String
    /// Inclusive start.
    public var from: Timestamp
    /// Exclusive end.
    public var to: Timestamp
    /// One audit service; `nil` means the source's configured services, else the service mapping.
    public var service: String?

    public init(source: String, from: Timestamp, to: Timestamp, service: String? = nil) {
        self.source = source
        self.from = from
        self.to = to
        self.service = service
    }
}

/// What a backfill run did.
public struct BackfillReport: Sendable, Equatable {
    public var progress: BackfillProgress
    /// Windows whose query ended `Failed` or `Cancelled`, each with the reason (run again to retry them).
    public var failedWindows: [String] = []
    /// Windows a previous run had finished.
    public var skippedWindows = 0
    /// Windows continued from a transaction an interrupted run had recorded.
    public var resumedWindows = 0
    public var delivered = 0
    public var deadLettered = 0
    /// Rows left in the outboxes when delivery gave up.
    public var remaining = 0

    /// True when every window was extracted and everything was delivered.
    public var succeeded: Bool { failedWindows.isEmpty && remaining == 0 && deadLettered == 0 }
}

/// Backfills a pull source through its ``SourceBackfill`` (today the Genesys audit source's: the
/// asynchronous audit query, windows of at most 31 days per service). Each window's progress is
/// checkpointed, so a rerun with the same range resumes where an interrupted one stopped. Records go
/// through an ``Intake`` of the source: the same routes, outboxes and dedup ledger as the live
/// source, so overlap creates no duplicates. After each window the outboxes are drained by the
/// runtime's sink workers (like `once`).
///
/// The credential's throttle is the live source's; the backfill waits for rate limits (up to
/// ``maximumRateLimitWait``) instead of giving up.
public struct BackfillOperation: Sendable {
    private let runtime: RelayRuntime
    private let clock: any WallClock
    private let logger: Logger
    /// Longest wait for the credential's rate limit before the run stops. Default 26 hours
    /// (a daily limit is waited out).
    public var maximumRateLimitWait: Duration = .seconds(26 * 3600)
    /// Delivery time allowed after each window. Default 1 hour.
    public var drainTimeout: Duration = .seconds(3600)

    /// - Parameters:
    ///   - runtime: The built pipeline (its store, sinks and sources).
    ///   - clock: The runtime's clock.
    ///   - logger: Where progress and problems are logged.
    public init(runtime: RelayRuntime, clock: any WallClock, logger: Logger) {
        self.runtime = runtime
        self.clock = clock
        self.logger = logger
    }

    /// Runs the backfill; `onProgress` hears of every committed page and finished window.
    /// - Throws: `RelayError(.configInvalid)` for an unknown or non-Genesys source or an empty
    ///   range; what the platform or the store throws ends the run (rerun to resume).
    public func run(
        _ request: BackfillRequest, onProgress: @escaping @Sendable (BackfillProgress) -> Void = { _ in }
    ) async throws -> BackfillReport {
        guard request.from < request.to else {
            throw RelayError(.configInvalid, "backfill: --from \(request.from) must be before --to \(request.to)")
        }
        guard let found = runtime.sources.first(where: { $0.name == request.source }) else {
            throw RelayError(.configInvalid, "backfill: no source named \(request.source) in the configuration")
        }
        guard let backfill = found.backfill else {
            throw RelayError(.configInvalid, "backfill: source \(request.source) is not a genesys_audit source")
        }
        let source = found
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = "\(source.name)"
        let windows = try await backfill.windows(
            from: request.from, to: request.to, part: request.service, rateLimitWait: maximumRateLimitWait)
        guard let intake = runtime.intake(forSource: source.name) else {
            throw RelayError(.configInvalid, "backfill: source \(request.source) has no intake")
        }
        var report = BackfillReport(progress: BackfillProgress(windowsTotal: windows.count, started: clock.now))
        logger.info("Backfill started", metadata: ["ccrelay.windows": "\(windows.count)"])
        onProgress(report.progress)
        for window in windows {
            try Task.checkCancellation()
            let before = report.progress
            do {
                let done = try await window.extract(intake, logger) { pageReport in
                    var now = before
                    now.pages += pageReport.pages
                    now.records += pageReport.records
                    now.accepted += pageReport.accepted
                    onProgress(now)
                }
                report.progress.pages += done.pages
                report.progress.records += done.records
                report.progress.accepted += done.accepted
                if done.alreadyDone { report.skippedWindows += 1 }
                if done.resumed { report.resumedWindows += 1 }
            } catch let error as RelayError where error.code == .auditQueryFailed {
                report.failedWindows.append(error.message)
                logger.error(
                    "Backfill window failed; rerun the backfill to retry it",
                    metadata: ["ccrelay.error": "\(error.message)"])
            }
            report.progress.windowsDone += 1
            onProgress(report.progress)
            let drained = try await runtime.drain(deadline: clock.now.advanced(by: drainTimeout))
            report.delivered += drained.delivered
            report.deadLettered += drained.deadLettered
            report.remaining = drained.remaining
        }
        logger.info(
            "Backfill finished",
            metadata: [
                "ccrelay.records": "\(report.progress.records)", "ccrelay.accepted": "\(report.progress.accepted)",
                "ccrelay.failed_windows": "\(report.failedWindows.count)",
            ]
        )
        return report
    }
}
