import RelayCore

/// An access token as `POST /auth/token` issued it.
public struct CXoneAccessToken: Sendable, Equatable {
    /// The `Authorization` header value, `"Bearer {access_token}"`.
    public var authorization: String
    /// The lifetime the platform granted (`expires_in`, about an hour).
    public var expiresIn: Duration

    public init(authorization: String, expiresIn: Duration) {
        self.authorization = authorization
        self.expiresIn = expiresIn
    }
}

/// Hands out the current CXone access token of one access key, fetching only when needed.
///
/// * A token is reused until `expires_in − refreshMargin` (default 60 s) after it was requested, on
///   the injected clock; a token granted for two minutes or less is reused for half its lifetime.
/// * One fetch at a time: callers arriving during a fetch wait for its outcome (continuations, no
///   task spawned) and all see the same token or error. A failed fetch is not cached.
/// * ``invalidate(_:)`` drops a rejected token only if it is still the cached one.
public actor CXoneTokenProvider {
    /// Obtains a new token; in production ``CXoneTokenEndpoint/fetch()``.
    public typealias Fetch = @Sendable () async throws(RelayError) -> CXoneAccessToken

    private typealias Waiter = CheckedContinuation<Result<String, RelayError>, Never>

    private enum State {
        case empty
        case cached(authorization: String, refreshAt: WallInstant)
        case fetching([Waiter])
    }

    private let clock: any WallClock
    private let refreshMargin: Duration
    private let fetch: Fetch
    private var state: State = .empty
    /// How many fetches this provider started (tests, metrics).
    public private(set) var fetchCount = 0

    /// - Parameters:
    ///   - clock: Decides expiry.
    ///   - refreshMargin: How long before `expires_in` a token is replaced. Default 60 s.
    ///   - fetch: Obtains a new token.
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
            let result: Result<String, RelayError> = await withCheckedContinuation { continuation in
                switch state {
                case .fetching(var waiters):
                    waiters.append(continuation)
                    state = .fetching(waiters)
                case .cached(let authorization, _):
                    continuation.resume(returning: .success(authorization))
                case .empty:
                    continuation.resume(returning: .failure(RelayError(.authentication, "CXone token fetch ended without a token")))
                }
            }
            return try result.get()
        case .empty, .cached:
            return try await refresh()
        }
    }

    /// Drops `authorization` if it is still the cached token (the platform rejected it).
    public func invalidate(_ authorization: String) {
        if case .cached(let cached, _) = state, cached == authorization { state = .empty }
    }

    private func refresh() async throws(RelayError) -> String {
        state = .fetching([])
        fetchCount += 1
        let requestedAt = clock.now
        let result: Result<String, RelayError>
        let next: State
        do {
            let token = try await fetch()
            let lifetime = token.expiresIn > refreshMargin * 2 ? token.expiresIn - refreshMargin : token.expiresIn / 2
            result = .success(token.authorization)
            next = .cached(authorization: token.authorization, refreshAt: requestedAt.advanced(by: lifetime))
        } catch {
            result = .failure(error)
            next = .empty
        }
        var waiters: [Waiter] = []
        if case .fetching(let pending) = state { waiters = pending }
        state = next
        for waiter in waiters { waiter.resume(returning: result) }
        return try result.get()
    }
}
