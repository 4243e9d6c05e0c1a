import Synchronization

/// Shared by a sink's workers: the permits of ``AdaptiveConcurrency``. A worker takes a permit
/// around each request and gives it back with the answer's kind and round-trip time. Workers
/// numbered below the current limit claim batches, and with an adaptive limit one more, so that
/// a batch is claimed and encoded while the requests in flight take their round trip; those held
/// back by a falling limit are few. The ``SinkGate`` wins over it: while the destination is down only the prober
/// sends, whatever the limit.
public final class ConcurrencyLimiter: Sendable {
    private let state: Mutex<AdaptiveConcurrency>
    /// Wakes the workers beyond the limit when it rises (``waitForAdmission(worker:until:clock:)``).
    private let admissions = OutboxSignal()
    private static let limitRaised = "limit raised"
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

    /// Whether `worker` (numbered from 0) should claim a batch: it is within the current limit, or,
    /// when the limit adapts, the one after it (which prepares the next request while the others
    /// are in flight). A pinned limit keeps its workers' order of claims and requests.
    public func admitsClaim(worker: Int) -> Bool {
        state.withLock { worker < $0.limit + ($0.isPinned ? 0 : 1) }
    }

    /// Waits until the limit admits `worker` to claim (``admitsClaim(worker:)``) or `deadline`
    /// passes on `clock`. Workers beyond the limit wait here rather than for the outbox's
    /// notifications: those come with every intake commit and every answer, and woke every one of
    /// them (up to `max_concurrency`) to find it still not admitted.
    public func waitForAdmission(worker: Int, until deadline: WallInstant, clock: any WallClock) async {
        let generation = admissions.generation(of: Self.limitRaised)
        guard !admitsClaim(worker: worker) else { return }
        await admissions.wait(for: Self.limitRaised, since: generation, until: deadline, clock: clock)
    }

    /// Takes a permit for one request if one is free and no worker waits ahead (see
    /// ``AdaptiveConcurrency/acquire(queued:)``).
    public func acquire(queued: Bool = false) -> Bool {
        state.withLock { $0.acquire(queued: queued) }
    }

    /// A worker whose ``acquire(queued:)`` failed waits for a permit, ahead of later comers.
    public func joinQueue() {
        state.withLock { $0.joinQueue() }
    }

    /// A queued worker gives up waiting.
    public func leaveQueue() {
        state.withLock { $0.leaveQueue() }
    }

    /// Gives back a permit taken at `sentAt` for a request that ended at `now` with `outcome`;
    /// returns the limit after it.
    @discardableResult
    public func release(_ outcome: DeliveryOutcome, sentAt: WallInstant, now: WallInstant) -> Int {
        let (before, after) = state.withLock { state in
            let before = state.limit
            state.release(AdaptiveConcurrency.Response(outcome), sentAt: sentAt, now: now)
            return (before, state.limit)
        }
        if after > before { admissions.notify(sinks: [Self.limitRaised]) }
        return after
    }
}
