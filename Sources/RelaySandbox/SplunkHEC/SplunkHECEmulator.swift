import RelayCore
import Synchronization

/// A faithful local stand-in for a Splunk HTTP Event Collector: token and index checks, gzip
/// bodies, concatenated-JSON batches indexed up to their first invalid event, HEC's status codes, and injectable
/// faults including a dropped connection. Serve it with ``Sandbox/withRunning(genesys:hec:logger:_:)``.
public final class SplunkHECEmulator: Sendable {
    struct Waiter {
        let id: UInt64
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    /// Acknowledgement state of one channel: the next ackId and, per pending id, when it reads
    /// true (`nil`: lost, never true).
    struct Channel {
        var nextAckID: Int64 = 0
        var pending: [Int64: WallInstant?] = [:]
    }

    struct State {
        var revokedTokens: Set<String> = []
        var channels: [String: Channel] = [:]
        var acksToLose = 0
        var events: [HECIndexedEvent] = []
        var faults: [HECFault] = []
        var stats = HECStats()
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var cancelledWaiters: Set<UInt64> = []
    }

    /// The collector's behaviour.
    public let configuration: SplunkHECConfiguration
    let clock: any WallClock
    let state = Mutex(State())

    /// A collector behaving per `configuration`; `clock` times acknowledgements.
    public init(configuration: SplunkHECConfiguration = .init(), clock: any WallClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// From now on `token` is answered 403 code 4 (invalid token), as after a rotation.
    public func revokeToken(_ token: String) {
        state.withLock { _ = $0.revokedTokens.insert(token) }
    }

    /// Accepts a revoked token again.
    public func restoreToken(_ token: String) {
        state.withLock { _ = $0.revokedTokens.remove(token) }
    }

    /// The next `count` ackIds issued never read true, as when an indexer dies before replicating.
    public func loseAcks(_ count: Int) {
        state.withLock { $0.acksToLose += count }
    }

    /// Issues the next ackId of `channel` for a batch indexed now.
    func issueAck(channel: String) -> Int64 {
        let now = clock.now
        return state.withLock { state in
            var channelState = state.channels[channel] ?? Channel()
            let id = channelState.nextAckID
            channelState.nextAckID += 1
            if state.acksToLose > 0 {
                state.acksToLose -= 1
                channelState.pending[id] = .some(nil)
            } else {
                channelState.pending[id] = .some(now.advanced(by: configuration.ackDelay))
            }
            state.channels[channel] = channelState
            state.stats.acksIssued += 1
            return id
        }
    }

    /// Whether each ackId of `channel` reads true now; a true one is then forgotten, as HEC does.
    func queryAcks(channel: String, ids: [Int64]) -> [(Int64, Bool)] {
        let now = clock.now
        return state.withLock { state in
            state.stats.ackQueries += 1
            var channelState = state.channels[channel] ?? Channel()
            let answers = ids.map { id -> (Int64, Bool) in
                guard let due = channelState.pending[id], let readyAt = due, readyAt <= now else { return (id, false) }
                channelState.pending[id] = nil
                return (id, true)
            }
            state.channels[channel] = channelState
            return answers
        }
    }

    /// Every event indexed so far, in arrival order.
    public var events: [HECIndexedEvent] { state.withLock { $0.events } }

    /// Returns once the index holds at least `count` events, or when the calling task is cancelled.
    public func waitForEvents(count: Int) async {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.events.count >= count || state.cancelledWaiters.remove(id) != nil { return true }
                    state.waiters.append(Waiter(id: id, count: count, continuation: continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    state.cancelledWaiters.insert(id)
                    return nil
                }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }

    /// Queues faults, consumed one per event POST, in order, before any other handling.
    public func injectFaults(_ faults: [HECFault]) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// What the emulator has served so far.
    public var stats: HECStats { state.withLock { $0.stats } }

    /// Forgets every indexed event (stats are kept).
    public func removeAllEvents() {
        state.withLock { $0.events.removeAll() }
    }

    /// Indexes a validated batch (`whole`: every event of the POST; otherwise those before its
    /// invalid event) and wakes the waiters it satisfies.
    func index(_ batch: [HECIndexedEvent], whole: Bool = true) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(contentsOf: batch)
            if whole { state.stats.acceptedBatches += 1 } else { state.stats.partiallyIndexedBatches += 1 }
            let count = state.events.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return ready
        }
        ready.forEach { $0.resume() }
    }
}
