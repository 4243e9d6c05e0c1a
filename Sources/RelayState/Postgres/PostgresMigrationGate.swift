import Synchronization

/// Where operations wait for the PostgreSQL store's schema migration: pending until ``finish(_:)``,
/// then the migration's result for everyone; ``close()`` fails every later wait.
final class PostgresMigrationGate: Sendable {
    /// The store was closed, or stopped running.
    struct Closed: Error {}

    private enum State {
        case pending([CheckedContinuation<Result<Void, any Error>, Never>])
        case finished(Result<Void, any Error>)
    }

    private let state = Mutex(State.pending([]))

    /// The migration's result, once there is one.
    func wait() async -> Result<Void, any Error> {
        await withCheckedContinuation { continuation in
            let result: Result<Void, any Error>? = state.withLock { state in
                switch state {
                case .pending(var waiting):
                    waiting.append(continuation)
                    state = .pending(waiting)
                    return nil
                case .finished(let result):
                    return result
                }
            }
            if let result { continuation.resume(returning: result) }
        }
    }

    /// Records the migration's result (a later call only ever replaces it with ``Closed``).
    func finish(_ result: Result<Void, any Error>) {
        let waiting = state.withLock { state -> [CheckedContinuation<Result<Void, any Error>, Never>] in
            guard case .pending(let waiting) = state else { return [] }
            state = .finished(result)
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: result) }
    }

    /// Fails every wait from now on, and every pending one.
    func close() {
        let waiting = state.withLock { state -> [CheckedContinuation<Result<Void, any Error>, Never>] in
            let waiting: [CheckedContinuation<Result<Void, any Error>, Never>]
            if case .pending(let pending) = state { waiting = pending } else { waiting = [] }
            state = .finished(.failure(Closed()))
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: .failure(Closed())) }
    }
}
