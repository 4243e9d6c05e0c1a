import Logging
import ServiceLifecycle

/// Runs a pull source's cycles on its poll interval until graceful shutdown. A failed cycle is
/// logged and retried at the next interval; a platform's `Retry-After` stretches the wait.
public struct PullSourceService: Service {
    private let source: any PullSource
    private let intake: any SourceSender
    private let clock: any WallClock
    private let telemetry: PipelineTelemetry
    private let health: SinkHealth
    private let fedSinks: [any Sink]
    private let lease: PartitionLeaseKeeper?
    private let logger: Logger

    /// - Parameters:
    ///   - fedSinks: the sinks this source's routes deliver to; while every one of them has its
    ///     credential rejected, cycles are skipped (the checkpoint stays put) and each skipped cycle
    ///     re-checks the credentials.
    ///   - lease: With a shared state store, the lease this instance must hold to pull the source
    ///     (the intake's commits must carry its ``PartitionLeaseKeeper/leaseGuard``); `nil` (the
    ///     default) when the instance is alone.
    public init(
        source: any PullSource,
        intake: any SourceSender,
        clock: any WallClock,
        telemetry: PipelineTelemetry,
        health: SinkHealth,
        fedSinks: [any Sink],
        lease: PartitionLeaseKeeper? = nil,
        logger: Logger
    ) {
        self.lease = lease
        self.source = source
        self.intake = intake
        self.clock = clock
        self.telemetry = telemetry
        self.health = health
        self.fedSinks = fedSinks
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = "\(source.name)"
        self.logger = logger
    }

    public func run() async throws {
        guard let lease else { return await pollLoop() }
        // The lease is kept (taken when free, renewed) for as long as the service runs; cycles run
        // only while it is held, and shutdown hands it over at once.
        await lease.refresh()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await lease.maintain() }
            await pollLoop()
            group.cancelAll()
        }
        await lease.release()
    }

    private func pollLoop() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if let lease, !lease.isHeld, await !lease.refreshHeld() {
                // Another instance pulls this source; ask again each second, so a released lease is
                // taken over at once and a lapsed one within a second of its end.
                let wakeAt = clock.now.advanced(by: min(source.pollInterval, .seconds(1)))
                do {
                    try await cancelWhenGracefulShutdown { try await clock.sleep(until: wakeAt, tolerance: nil) }
                } catch {
                    return
                }
                continue
            }
            let started = clock.now
            let report = await cycle()
            var next = started.advanced(by: source.pollInterval)
            if let retryAfter = report?.retryAfter {
                next = max(next, clock.now.advanced(by: retryAfter))
                logger.notice(
                    "Source paused by the platform's rate limit",
                    metadata: ["ccrelay.retry_after_secs": "\(retryAfter.seconds)"])
            }
            let wakeAt = next
            do {
                try await cancelWhenGracefulShutdown {
                    try await clock.sleep(until: wakeAt, tolerance: nil)
                }
            } catch {
                return
            }
        }
    }

    /// Runs one cycle, recording its outcome; returns `nil` when it failed or was skipped because
    /// every sink it feeds has its credential rejected. With a lease, the cycle runs only when the
    /// lease can be taken (an empty report otherwise: another instance pulls the source), renews
    /// it while it runs, and releases it afterwards.
    @discardableResult
    public func runOneCycle() async -> CycleReport? {
        guard let lease else { return await cycle() }
        await lease.refresh()
        guard lease.isHeld else {
            logger.info("Cycle skipped: another instance holds this source's lease")
            return CycleReport()
        }
        let report = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await clock.sleep(until: clock.now.advanced(by: lease.renewInterval), tolerance: nil)
                await lease.maintain()
            }
            let report = await cycle()
            group.cancelAll()
            return report
        }
        await lease.release()
        return report
    }

    /// What ``runCycles(until:)`` achieved for one source.
    public enum DeadlineOutcome: Sendable, Equatable {
        /// A cycle ran to its end without a rate limit stopping it.
        case finished
        /// A cycle failed (or was skipped because every fed sink is rejected).
        case failed
        /// A rate limit (`Retry-After`, or the credential's own block) outlasted the deadline; the
        /// source may send again at `resumesAt`.
        case unfinished(resumesAt: WallInstant)
    }

    /// Runs cycles for a `once` run: a cycle stopped by a rate limit is followed, once the wait
    /// is over, by another from the committed checkpoint, as long as the wait ends by `deadline`.
    /// A wait that would end after `deadline` is not started: the source is reported unfinished.
    public func runCycles(until deadline: WallInstant) async -> DeadlineOutcome {
        while true {
            guard let report = await runOneCycle() else { return .failed }
            guard let wait = report.retryAfter else { return .finished }
            let resumesAt = clock.now.advanced(by: wait)
            guard resumesAt <= deadline else {
                logger.warning(
                    "Source unfinished: its rate limit outlasts the deadline",
                    metadata: ["ccrelay.resumes_at": "\(resumesAt)", "ccrelay.deadline": "\(deadline)"])
                return .unfinished(resumesAt: resumesAt)
            }
            logger.notice(
                "Waiting out the platform's rate limit within the deadline",
                metadata: ["ccrelay.retry_after_secs": "\(wait.seconds)"])
            do {
                try await clock.sleep(until: resumesAt, tolerance: nil)
            } catch {
                return .unfinished(resumesAt: resumesAt)
            }
        }
    }

    private func cycle() async -> CycleReport? {
        if await isHalted() {
            telemetry.recordCycle(
                source: source.name, error: "halted: every sink this source feeds has its credential rejected")
            logger.warning(
                "Cycle skipped: every sink this source feeds has its credential rejected; the checkpoint stays")
            return nil
        }
        do {
            let report = try await source.runCycle(into: intake, logger: logger)
            telemetry.recordCycle(source: source.name, error: nil)
            telemetry.recordPartitionFailures(source: source.name, failures: report.failedPartitions)
            telemetry.recordOutOfOrder(source: source.name, count: report.outOfOrder)
            telemetry.recordPacing(
                source: source.name, pollInterval: source.pollInterval, throttled: report.retryAfter ?? .zero)
            logger.debug(
                "Cycle finished",
                metadata: [
                    "ccrelay.pages": "\(report.pages)", "ccrelay.records": "\(report.records)",
                    "ccrelay.accepted": "\(report.accepted)", "ccrelay.duplicates": "\(report.duplicates)",
                ]
            )
            return report
        } catch {
            telemetry.recordCycle(source: source.name, error: "\(error)")
            logger.warning(
                "Cycle failed; the checkpoint stays and the next cycle retries", metadata: ["ccrelay.error": "\(error)"]
            )
            return nil
        }
    }

    /// True while every fed sink is rejected after re-checking each rejected one.
    private func isHalted() async -> Bool {
        let names = fedSinks.map(\.name)
        guard health.allRejected(names) else { return false }
        for sink in fedSinks {
            switch await sink.checkCredential() {
            case .valid:
                if health.markAccepted(sink.name) {
                    logger.notice("Sink credential accepted again", metadata: ["ccrelay.sink": "\(sink.name)"])
                }
            case .rejected(let reason):
                health.markRejected(sink.name, reason: reason)
            case .unknown:
                break
            }
        }
        return health.allRejected(names)
    }
}
