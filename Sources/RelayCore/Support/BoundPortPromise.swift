import Synchronization

/// A one-shot promise of the TCP port a server bound (ccrelay's own, an emulator's), fulfilled from
/// Hummingbird's `onServerRunning` callback, or failed when the server stops before it ever listened.
public final class BoundPortPromise: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting([]))

    public init() {}

    /// Records the bound port and wakes every waiter. Later calls are ignored.
    public func fulfill(_ port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .bound(port)
            return waiters
        }
        waiters.forEach { $0.resume(returning: port) }
    }

    /// Fails every current and future waiter, unless a port was already bound.
    public func fail(_ error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .failed(error)
            return waiters
        }
        waiters.forEach { $0.resume(throwing: error) }
    }

    /// The bound port, once the server listens.
    public func wait() async throws -> Int {
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
