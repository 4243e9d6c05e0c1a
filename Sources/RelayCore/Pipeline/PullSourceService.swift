import Logging
import ServiceLifecycle

/// Runs a pull source's cycles on its poll interval until graceful shutdown. A failed cycle is
/// logged and retried at the next interval; a platform's `Retry-After` stretches the wait.
public struct PullSourceService: Service {
    private let source: any PullSource
    private let intake: any IntakeSink
    private let clock: any WallClock
    private let telemetry: PipelineTelemetry
    private let logger: Logger

    public init(
        source: any PullSource,
        intake: any IntakeSink,
        clock: any WallClock,
        telemetry: PipelineTelemetry,
        logger: Logger
    ) {
        self.source = source
        self.intake = intake
        self.clock = clock
        self.telemetry = telemetry
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = "\(source.name)"
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let started = clock.now
            let report = await runOneCycle()
            var next = started.advanced(by: source.pollInterval)
            if let retryAfter = report?.retryAfter {
                next = max(next, clock.now.advanced(by: retryAfter))
                logger.notice("Source paused by the platform's rate limit", metadata: ["ccrelay.retry_after_secs": "\(retryAfter.seconds)"])
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

    /// Runs one cycle, recording its outcome; returns `nil` when it failed.
    @discardableResult
    public func runOneCycle() async -> CycleReport? {
        do {
            let report = try await source.runCycle(into: intake, logger: logger)
            telemetry.recordCycle(source: source.name, error: nil)
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
            logger.warning("Cycle failed; the checkpoint stays and the next cycle retries", metadata: ["ccrelay.error": "\(error)"])
            return nil
        }
    }
}
