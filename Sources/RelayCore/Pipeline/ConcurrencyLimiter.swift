import Synchronization

/// Shared by a sink's workers: the permits of ``AdaptiveConcurrency``. A worker takes a permit
/// around each request and gives it back with the answer's kind and round-trip time; workers
/// numbered at or above the current limit do not claim batches, so those held back by a falling
/// limit are few. The ``SinkGate`` wins over it: while the destination is down only the prober
/// sends, whatever the limit.
public final class ConcurrencyLimiter: Sendable {
    private let state: Mutex<AdaptiveConcurrency>
    /// How often a worker without a permit looks again.
    public let recheck: Duration

    /// - Parameters:
    ///   - batch: `concurrency` pins the limit unless ``BatchConfiguration/isAdaptive``; then it
    ///     moves between 1 and `maxConcurrency`, starting at 1.
    ///   - recheck: how often a worker without a permit looks again.
    public init(batch: BatchConfiguration, recheck: Duration) {
        let limits =
            batch.isAdaptive
            ? AdaptiveConcurrency(maximum: batch.maxConcurrency) : AdaptiveConcurrency(pinned: batch.concurrency)
        self.state = Mutex(limits)
        self.recheck = recheck
    }

    /// Most requests in flight now.
    public var limit: Int { state.withLock { $0.limit } }

    /// Requests in flight now.
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// Whether `worker` (numbered from 0) should claim a batch: it is within the current limit.
    public func admitsClaim(worker: Int) -> Bool {
        state.withLock { worker < $0.limit }
    }

    /// Takes a permit for one request if one is free.
    public func acquire() -> Bool {
        state.withLock { $0.acquire() }
    }

    /// Gives back a permit taken at `sentAt` for a request that ended at `now` with `outcome`;
    /// returns the limit after it.
    @discardableResult
    public func release(_ outcome: DeliveryOutcome, sentAt: WallInstant, now: WallInstant) -> Int {
        state.withLock { state in
            state.release(AdaptiveConcurrency.Response(outcome), sentAt: sentAt, now: now)
            return state.limit
        }
    }
}
