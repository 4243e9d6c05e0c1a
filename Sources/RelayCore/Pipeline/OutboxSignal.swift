import Synchronization

/// In-process wake-ups for sink workers: an intake that appended rows for a sink notifies it, so a
/// worker waiting for a batch to fill (or for any work) does not have to poll tightly. Keys are
/// sink names; a ``ConcurrencyLimiter`` keeps its own instance for the workers beyond its limit.
public final class OutboxSignal: Sendable {
    private struct Waiter {
        let id: UInt64
        let sinks: Set<String>
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var nextID: UInt64 = 0
        var waiters: [Waiter] = []
        /// Notifications per sink so far, so a waiter can tell it missed one.
        var generations: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes every worker waiting on one of `sinks`.
    public func notify(sinks: Set<String>) {
        let woken = state.withLock { state -> [Waiter] in
            for sink in sinks { state.generations[sink, default: 0] &+= 1 }
            let woken = state.waiters.filter { !$0.sinks.isDisjoint(with: sinks) }
            state.waiters.removeAll { !$0.sinks.isDisjoint(with: sinks) }
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// How many notifications `sink` has had; pass it to ``wait(for:since:until:clock:)`` so a
    /// notification that arrives between reading the outbox and waiting is not missed.
    public func generation(of sink: String) -> UInt64 {
        state.withLock { $0.generations[sink] ?? 0 }
    }

    /// Waits until `sink` is notified after `generation` or `deadline` passes on `clock`, whichever
    /// comes first. Returns early (without throwing) when the task is cancelled.
    public func wait(
        for sink: String, since generation: UInt64? = nil, until deadline: WallInstant, clock: any WallClock
    ) async {
        guard clock.now < deadline else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotification(sink: sink, since: generation) }
            group.addTask { try? await clock.sleep(until: deadline, tolerance: nil) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotification(sink: String, since generation: UInt64?) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let alreadyCancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    if let generation, (state.generations[sink] ?? 0) != generation { return true }
                    state.waiters.append(Waiter(id: id, sinks: [sink], continuation: continuation))
                    return false
                }
                if alreadyCancelled { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }
}
