import Synchronization

/// The port the server bound, once it listens: fulfilled from Hummingbird's `onServerRunning`,
/// failed when the server stops before listening. Waiters are resumed exactly once.
final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting([]))

    func fulfill(_ port: Int) {
        resolve(.success(port))
    }

    func fail(_ error: any Error) {
        resolve(.failure(error))
    }

    private func resolve(_ outcome: Result<Int, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            switch outcome {
            case .success(let port): state = .bound(port)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        waiters.forEach { $0.resume(with: outcome) }
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let outcome = state.withLock { state -> Result<Int, any Error>? in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }
}
