import RelayCore
import Synchronization

/// A faithful local stand-in for a Splunk HTTP Event Collector: token and index checks, gzip
/// bodies, concatenated-JSON batches indexed all or nothing, HEC's status codes, and injectable
/// faults including a dropped connection. Serve it with ``Sandbox/withRunning(genesys:hec:logger:_:)``.
public final class SplunkHECEmulator: Sendable {
    struct Waiter {
        let id: UInt64
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    struct State {
        var events: [HECIndexedEvent] = []
        var faults: [HECFault] = []
        var stats = HECStats()
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var cancelledWaiters: Set<UInt64> = []
    }

    /// The collector's behaviour.
    public let configuration: SplunkHECConfiguration
    let state = Mutex(State())

    /// A collector behaving per `configuration`.
    public init(configuration: SplunkHECConfiguration = .init()) {
        self.configuration = configuration
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

    /// Indexes a validated batch and wakes the waiters it satisfies.
    func index(_ batch: [HECIndexedEvent]) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(contentsOf: batch)
            state.stats.acceptedBatches += 1
            let count = state.events.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return ready
        }
        ready.forEach { $0.resume() }
    }
}
