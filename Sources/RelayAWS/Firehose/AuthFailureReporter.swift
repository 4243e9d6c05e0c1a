import Logging
import Metrics
import RelayCore
import Synchronization

/// Counts a receiver's rejected logins (`ccrelay_receiver_auth_failures_total{source}`) and logs
/// them at warning, at most once a minute per receiver (with the count since the last warning), so
/// a scan or a caller with a stale key is visible without flooding the log.
struct AuthFailureReporter: Sendable {
    /// Shortest time between two warnings of one receiver.
    static let warningInterval: Duration = .seconds(60)

    private struct State: Sendable {
        var lastWarning: WallInstant?
        var suppressed = 0
    }

    private let counter: Counter
    private let clock: any WallClock
    private let logger: Logger
    private let box = Box()

    /// `Mutex` is not copyable: the state lives in a class shared by copies of the reporter.
    private final class Box: Sendable {
        let state = Mutex(State())
    }

    init(source: String, clock: any WallClock, logger: Logger, metricsFactory: any MetricsFactory) {
        self.counter = Counter(
            label: PipelineMetricName.receiverAuthFailures, dimensions: [("source", source)], factory: metricsFactory)
        self.clock = clock
        self.logger = logger
    }

    /// Records one refused request; `reason` says what was wrong (missing or not accepted), never
    /// the presented value.
    func refused(_ message: Logger.Message, reason: String) {
        counter.increment()
        let now = clock.now
        let refusedSinceLastWarning = box.state.withLock { state -> Int? in
            state.suppressed += 1
            if let last = state.lastWarning, last.advanced(by: Self.warningInterval) > now { return nil }
            defer { state.suppressed = 0 }
            state.lastWarning = now
            return state.suppressed
        }
        guard let refusedSinceLastWarning else {
            logger.debug(message, metadata: ["ccrelay.reason": .string(reason)])
            return
        }
        logger.warning(
            message,
            metadata: [
                "ccrelay.reason": .string(reason), "ccrelay.refused_since_last_warning": "\(refusedSinceLastWarning)",
            ])
    }
}
