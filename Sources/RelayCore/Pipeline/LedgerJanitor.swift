import Logging
import ServiceLifecycle

/// Periodically forgets dedup-ledger entries older than the ledger retention, and deletes dead
/// letters older than the dead-letter retention.
public struct LedgerJanitor: Service {
    private let store: any CheckpointStore & DeadLetterStore
    private let retention: Duration
    private let deadLetterRetention: Duration?
    private let interval: Duration
    private let clock: any WallClock
    private let logger: Logger

    /// - Parameters:
    ///   - retention: how long an accepted `event_id` is remembered (config default 7 days).
    ///   - deadLetterRetention: how long a dead letter is kept (config default 30 days); `nil`
    ///     keeps dead letters until an operator purges them. Default `nil`.
    ///   - interval: time between purges. Default 1 hour.
    public init(
        store: any CheckpointStore & DeadLetterStore, retention: Duration, deadLetterRetention: Duration? = nil,
        interval: Duration = .seconds(3600), clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.retention = retention
        self.deadLetterRetention = deadLetterRetention
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await purge()
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    /// One round: the ledger, then the dead letters; a failure is logged and retried next round.
    func purge() async {
        let now = clock.now
        do {
            let purged = try await store.purgeLedger(acceptedBefore: now.advanced(by: .zero - retention))
            logger.debug("Ledger purged", metadata: ["ccrelay.purged": "\(purged)"])
        } catch {
            logger.warning("Ledger purge failed", metadata: ["ccrelay.error": "\(error)"])
        }
        guard let deadLetterRetention else { return }
        do {
            let purged = try await store.purgeDeadLetters(createdBefore: now.advanced(by: .zero - deadLetterRetention))
            logger.debug("Dead letters purged", metadata: ["ccrelay.purged": "\(purged)"])
        } catch {
            logger.warning("Dead-letter purge failed", metadata: ["ccrelay.error": "\(error)"])
        }
    }
}
