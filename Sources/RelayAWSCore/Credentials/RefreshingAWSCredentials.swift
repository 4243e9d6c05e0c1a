import Logging
import RelayCore

/// Caches temporary credentials and fetches new ones before they expire.
///
/// * Credentials are reused until `refreshMargin` (default 5 minutes) before their `Expiration`, on
///   the injected clock; credentials granted for less than twice the margin are reused for half
///   their lifetime. Credentials without an expiry are kept.
/// * At most one fetch is in flight: callers arriving during a fetch wait for its outcome (held as
///   continuations, no task is spawned) and all see the same credentials or error.
/// * A failed refresh while the cached credentials have not expired yet keeps them (logged at
///   `warning`); the next call tries again. Without usable credentials the error is thrown.
public actor RefreshingAWSCredentials: AWSCredentialProvider {
    /// Fetches new credentials from the provider's source (STS, the container endpoint, IMDS).
    public typealias Fetch = @Sendable () async throws(RelayError) -> AWSTemporaryCredentials

    private enum State {
        case empty
        case cached(AWSTemporaryCredentials, refreshAt: WallInstant?)
        case fetching(
            previous: AWSTemporaryCredentials?,
            waiters: [CheckedContinuation<Result<AWSCredentials, RelayError>, Never>])
    }

    /// The provider's name in log metadata (`ccrelay.aws.credentials`).
    public nonisolated let name: String
    private let clock: any WallClock
    private let refreshMargin: Duration
    private let fetch: Fetch
    private let logger: Logger
    private var state: State = .empty
    /// How many fetches were started (for tests and metrics).
    public private(set) var fetchCount = 0

    /// - Parameters:
    ///   - name: The source, e.g. `EC2 instance metadata` (log metadata).
    ///   - clock: Decides expiry.
    ///   - refreshMargin: How long before `Expiration` credentials are replaced. Default 5 minutes.
    ///   - logger: Receives a warning when a refresh fails while the current credentials still work.
    ///   - fetch: Obtains new credentials.
    public init(
        name: String, clock: any WallClock, refreshMargin: Duration = .seconds(300), logger: Logger,
        fetch: @escaping Fetch
    ) {
        self.name = name
        self.clock = clock
        self.refreshMargin = refreshMargin
        self.logger = logger
        self.fetch = fetch
    }

    public func credentials() async throws(RelayError) -> AWSCredentials {
        switch state {
        case .cached(let cached, let refreshAt):
            if let refreshAt, clock.now >= refreshAt { return try await refresh(previous: cached) }
            return cached.credentials
        case .fetching:
            let result = await withCheckedContinuation { continuation in
                // Re-read the state: the actor may have run other work before this closure.
                switch state {
                case .fetching(let previous, var waiters):
                    waiters.append(continuation)
                    state = .fetching(previous: previous, waiters: waiters)
                case .cached(let cached, _):
                    continuation.resume(returning: .success(cached.credentials))
                case .empty:
                    continuation.resume(
                        returning: .failure(.awsCredentials(name, "the fetch ended without credentials")))
                }
            }
            return try result.get()
        case .empty:
            return try await refresh(previous: nil)
        }
    }

    private func refresh(previous: AWSTemporaryCredentials?) async throws(RelayError) -> AWSCredentials {
        state = .fetching(previous: previous, waiters: [])
        fetchCount += 1
        let fetchedAt = clock.now
        let result: Result<AWSCredentials, RelayError>
        do {
            let fresh = try await fetch()
            result = .success(fresh.credentials)
            finish(.cached(fresh, refreshAt: refreshTime(of: fresh, fetchedAt: fetchedAt)), result)
        } catch {
            if let previous, let expiration = previous.expiration, clock.now < expiration {
                logger.warning(
                    "AWS credentials refresh failed; the current ones are used until they expire",
                    metadata: [
                        "ccrelay.aws.credentials": "\(name)", "ccrelay.error": "\(error)",
                        "ccrelay.aws.expiration": "\(expiration)",
                    ])
                result = .success(previous.credentials)
                // Tried again at the next call: the refresh time has passed.
                finish(.cached(previous, refreshAt: fetchedAt), result)
            } else {
                result = .failure(error)
                finish(.empty, result)
            }
        }
        return try result.get()
    }

    private func finish(_ next: State, _ result: Result<AWSCredentials, RelayError>) {
        var waiters: [CheckedContinuation<Result<AWSCredentials, RelayError>, Never>] = []
        if case .fetching(_, let pending) = state { waiters = pending }
        state = next
        waiters.forEach { $0.resume(returning: result) }
    }

    /// `refreshMargin` before expiry, or half the lifetime of short-lived credentials.
    private func refreshTime(of credentials: AWSTemporaryCredentials, fetchedAt: WallInstant) -> WallInstant? {
        guard let expiration = credentials.expiration else { return nil }
        let lifetime = fetchedAt.duration(to: expiration)
        return lifetime > refreshMargin * 2
            ? expiration.advanced(by: .zero - refreshMargin) : fetchedAt.advanced(by: lifetime / 2)
    }
}
