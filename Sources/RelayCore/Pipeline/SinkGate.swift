import Synchronization

/// Shared by a sink's workers so that concurrency never multiplies pressure on a destination that
/// is struggling. While it is unavailable or throttling (``DeliveryOutcome/unavailable(_:retryAfter:)``)
/// or refuses the credential, the gate is closed: one worker, the prober, retries after its backoff
/// (and any `Retry-After`), and the others hold their batches until an answer of any other kind
/// opens the gate again. This is what a circuit breaker's half-open state does, and what Vector's
/// adaptive concurrency converges to under 429s.
///
/// The gate also lets one worker at a time fill a batch: were two filling at once, each would get
/// half of what arrives and wait twice as long for its batch to fill.
public final class SinkGate: Sendable {
    /// What a worker may do now.
    public enum Admission: Equatable, Sendable {
        case send
        /// Hold the batch and ask again at this instant.
        case waitUntil(WallInstant)
    }

    private struct State {
        var closedUntil: WallInstant?
        var prober: Int?
        var filler: Int?
    }

    private let state = Mutex(State())
    /// How often a holding worker looks again while the prober's attempt is in flight.
    private let recheck: Duration

    /// - Parameter recheck: how often a holding worker looks again while another worker probes
    ///   (the sink's initial backoff suits: it is how quickly the sink is meant to react).
    public init(recheck: Duration) {
        self.recheck = recheck
    }

    /// Whether `worker` may send now. Open: always. Closed: the prober (or the first worker to ask
    /// once the backoff has passed, which becomes the prober) may; the others wait.
    public func admit(worker: Int, now: WallInstant) -> Admission {
        state.withLock { state in
            guard let until = state.closedUntil else { return .send }
            if let prober = state.prober, prober != worker {
                return .waitUntil(max(until, now.advanced(by: recheck)))
            }
            guard now >= until else { return .waitUntil(until) }
            state.prober = worker
            return .send
        }
    }

    /// `worker`'s attempt found the destination unavailable or refusing the credential; it retries
    /// at `retryAt`, and no other worker sends before it has an answer.
    public func close(by worker: Int, retryAt: WallInstant) {
        state.withLock { state in
            state.closedUntil = max(state.closedUntil ?? retryAt, retryAt)
            state.prober = worker
        }
    }

    /// The destination answered (delivered, rejected, or failed in a way that is the batch's own):
    /// every worker may send again.
    public func open() {
        state.withLock { state in
            state.closedUntil = nil
            state.prober = nil
        }
    }

    /// Whether `worker` may claim and fill a batch now (no other worker is filling one); if so, it
    /// fills until ``finishFilling(worker:)``.
    public func startFilling(worker: Int) -> Bool {
        state.withLock { state in
            guard state.filler == nil || state.filler == worker else { return false }
            state.filler = worker
            return true
        }
    }

    /// `worker` has its batch; another may fill the next one.
    public func finishFilling(worker: Int) {
        state.withLock { state in
            if state.filler == worker { state.filler = nil }
        }
    }
}
