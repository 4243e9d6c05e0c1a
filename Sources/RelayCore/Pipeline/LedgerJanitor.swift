import Logging
import ServiceLifecycle

/// Forgets dedup-ledger entries older than the retention window, periodically.
public struct LedgerJanitor: Service {
    private let store: any CheckpointStore
    private let retention: Duration
    private let interval: Duration
    private let clock: any WallClock
    private let logger: Logger

    /// - Parameters:
    ///   - retention: how long an accepted `event_id` is remembered (config default 7 days).
    ///   - interval: time between purges. Default 1 hour.
    public init(store: any CheckpointStore, retention: Duration, interval: Duration = .seconds(3600), clock: any WallClock, logger: Logger) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let purged = try await store.purgeLedger(acceptedBefore: clock.now.advanced(by: .zero - retention))
                logger.debug("Ledger purged", metadata: ["ccrelay.purged": "\(purged)"])
            } catch {
                logger.warning("Ledger purge failed", metadata: ["ccrelay.error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
