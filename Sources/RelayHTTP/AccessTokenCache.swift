import RelayCore

/// An OAuth access token as a platform's token endpoint issued it.
public struct AccessToken: Sendable, Equatable {
    /// The `Authorization` header value, `"{token_type} {access_token}"` (e.g. `Bearer eyJ...`).
    public var authorization: String
    /// The lifetime the platform granted (`expires_in`).
    public var expiresIn: Duration

    public init(authorization: String, expiresIn: Duration) {
        self.authorization = authorization
        self.expiresIn = expiresIn
    }
}

/// Hands out the current access token of one credential (a Genesys OAuth client, a CXone access key),
/// fetching a new one only when needed.
///
/// * A token is reused until `expires_in − refreshMargin` (default 60 s) after it was requested,
///   measured on the injected clock. Tokens granted for two minutes or less are reused for half
///   their lifetime instead, so a short-lived token is never treated as expired on arrival.
/// * At most one fetch is in flight: callers arriving during a fetch wait for its outcome
///   (held as continuations, no task is spawned), and all of them see the same token or error.
///   A waiter is not cancelled on its own; it waits at most as long as the fetch (whose HTTP request
///   has a deadline). A failed fetch is not cached: the next call fetches again.
/// * ``invalidate(_:)`` drops a token that the platform rejected, but only if it is still the
///   cached one, so a late 401 for an old token never discards a fresh token.
public actor AccessTokenCache {
    /// Fetches a new token from the platform's token endpoint.
    public typealias Fetch = @Sendable () async throws(RelayError) -> AccessToken

    private enum State {
        case empty
        case cached(authorization: String, refreshAt: WallInstant)
        case fetching(waiters: [CheckedContinuation<Result<String, RelayError>, Never>])
    }

    private let clock: any WallClock
    private let refreshMargin: Duration
    private let fetch: Fetch
    private var state: State = .empty
    /// How many fetches this provider started (for tests and metrics).
    public private(set) var fetchCount = 0

    /// - Parameters:
    ///   - clock: The clock that decides expiry.
    ///   - refreshMargin: How long before `expires_in` a token is replaced. Default 60 s.
    ///   - fetch: Obtains a new token from the platform.
    public init(clock: any WallClock, refreshMargin: Duration = .seconds(60), fetch: @escaping Fetch) {
        self.clock = clock
        self.refreshMargin = refreshMargin
        self.fetch = fetch
    }

    /// The `Authorization` header value to send now.
    public func authorization() async throws(RelayError) -> String {
        switch state {
        case .cached(let authorization, let refreshAt) where clock.now < refreshAt:
            return authorization
        case .fetching:
            let result = await withCheckedContinuation { continuation in
                // Re-read the state: the actor may have run other work before this closure.
                if case .fetching(var waiters) = state {
                    waiters.append(continuation)
                    state = .fetching(waiters: waiters)
                } else if case .cached(let authorization, _) = state {
                    continuation.resume(returning: .success(authorization))
                } else {
                    continuation.resume(
                        returning: .failure(RelayError(.authentication, "token fetch ended without a token")))
                }
            }
            return try result.get()
        case .empty, .cached:
            return try await refresh()
        }
    }

    /// Callers currently waiting for the fetch in flight (for tests).
    public var waiterCount: Int {
        if case .fetching(let waiters) = state { return waiters.count }
        return 0
    }

    /// Drops `authorization` if it is still the cached token (the platform rejected it).
    public func invalidate(_ authorization: String) {
        if case .cached(let cached, _) = state, cached == authorization {
            state = .empty
        }
    }

    private func refresh() async throws(RelayError) -> String {
        state = .fetching(waiters: [])
        fetchCount += 1
        let requestedAt = clock.now
        let result: Result<String, RelayError>
        do {
            let token = try await fetch()
            let lifetime = token.expiresIn > refreshMargin * 2 ? token.expiresIn - refreshMargin : token.expiresIn / 2
            result = .success(token.authorization)
            let waiters = takeWaiters()
            state = .cached(authorization: token.authorization, refreshAt: requestedAt.advanced(by: lifetime))
            waiters.forEach { $0.resume(returning: result) }
        } catch {
            result = .failure(error)
            let waiters = takeWaiters()
            state = .empty
            waiters.forEach { $0.resume(returning: result) }
        }
        return try result.get()
    }

    private func takeWaiters() -> [CheckedContinuation<Result<String, RelayError>, Never>] {
        if case .fetching(let waiters) = state { return waiters }
        return []
    }
}
