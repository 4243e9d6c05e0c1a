import Synchronization

/// The request ids answered 200 most recently, bounded: the oldest is forgotten first.
final class RequestIDMemory: Sendable {
    private struct State {
        var known: Set<String> = []
        var order: [String] = []
        var next = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func contains(_ id: String) -> Bool {
        state.withLock { $0.known.contains(id) }
    }

    func remember(_ id: String) {
        guard capacity > 0 else { return }
        state.withLock { state in
            guard state.known.insert(id).inserted else { return }
            if state.order.count < capacity {
                state.order.append(id)
            } else {
                state.known.remove(state.order[state.next])
                state.order[state.next] = id
                state.next = (state.next + 1) % capacity
            }
        }
    }
}
