import Logging
import RelayCore
import Synchronization

/// The rate-limit state of one platform credential (a Genesys OAuth client, a CXone access key),
/// shared by every poller and backfill that uses it (get it from a ``CredentialThrottleRegistry``). It wraps a ``RateLimitPacing`` value in a
/// lock: the decisions are synchronous, so a source can read ``intervalFactor`` from its
/// `pollInterval` getter; waiting happens on the injected clock, outside the lock.
public final class CredentialThrottle: Sendable {
    /// Which credential this throttle paces (e.g. `clientID@apiBaseURL`; never the secret), for logs.
    public let credential: String
    private let clock: any WallClock
    private let logger: Logger
    private let pacing = Mutex(RateLimitPacing())
    private let store: (any KeyValueStore)?
    /// The one read of the stored block, shared by every sender that arrives while it runs.
    private let restoring = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - credential: A label naming the credential (never the secret).
    ///   - clock: Tells time for blocks and decides how long waits last.
    ///   - store: Where a 429's blocked-until instant is kept for the next process (see
    ///     ``restoreBlock()``); `nil` (the default) keeps it in memory only.
    ///   - logger: Where long blocks are reported.
    public init(credential: String, clock: any WallClock, store: (any KeyValueStore)? = nil, logger: Logger) {
        self.credential = credential
        self.clock = clock
        self.store = store
        var logger = logger
        logger[metadataKey: "ccrelay.credential"] = "\(credential)"
        self.logger = logger
    }

    /// A snapshot of the decisions so far.
    public var state: RateLimitPacing { pacing.withLock { $0 } }
    /// The poll-interval multiplier every poller of this credential applies (1 when the budget is healthy).
    public var intervalFactor: Int { pacing.withLock { $0.factor } }
    /// Total time the credential has been blocked by rate limits.
    public var throttled: Duration { pacing.withLock { $0.throttled } }

    /// How long a request must still wait before it may be sent (zero when it may go now).
    public func pendingWait() -> Duration {
        let now = clock.now
        return pacing.withLock { $0.wait(at: now) }
    }

    /// Waits on the clock until the credential may send again.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func waitUntilOpen() async throws {
        while true {
            let now = clock.now
            let wait = pacing.withLock { $0.wait(at: now) }
            guard wait > .zero else { return }
            logger.debug(
                "Waiting for the credential's rate limit", metadata: ["ccrelay.wait_secs": "\(Int64(wait.seconds))"])
            try await clock.sleep(until: now.advanced(by: wait), tolerance: nil)
        }
    }

    /// The state-store key of this credential's blocked-until instant (milliseconds since 1970).
    public var blockedUntilKey: String { "ratelimit.blocked_until.\(credential)" }

    /// Adopts the blocked-until instant an earlier process stored, so a restart does not send before
    /// a `Retry-After` it was given ends. The store is read once per throttle; every caller returns
    /// only after that read. A store that cannot be read is logged and the throttle goes on with
    /// what it knows.
    public func restoreBlock() async {
        guard store != nil else { return }
        let read = restoring.withLock { task in
            if let task { return task }
            let created = Task { await self.readStoredBlock() }
            task = created
            return created
        }
        await read.value
    }

    private func readStoredBlock() async {
        guard let store else { return }
        let stored: String?
        do {
            stored = try await store.value(forKey: blockedUntilKey)
        } catch {
            logger.warning(
                "Could not read the credential's stored rate-limit block", metadata: ["ccrelay.error": "\(error)"])
            return
        }
        guard let stored else { return }
        guard let milliseconds = Int64(stored) else {
            logger.warning(
                "Ignoring an unreadable stored rate-limit block", metadata: ["ccrelay.key": "\(blockedUntilKey)"])
            return
        }
        let until = WallInstant(sinceEpoch: .milliseconds(milliseconds))
        let now = clock.now
        pacing.withLock { $0.restoreBlock(until: until, at: now) }
        if now < until {
            logger.notice(
                "Credential still rate limited by an earlier run; nothing is sent before the stored time",
                metadata: ["ccrelay.blocked_until": "\(until)"])
        }
    }

    /// Stores the current blocked-until instant (rounded up to the millisecond) for the next process.
    /// A store that cannot be written is logged; the block still holds in this process.
    public func persistBlock() async {
        guard let store, let until = pacing.withLock({ $0.blockedUntil }) else { return }
        let (seconds, attoseconds) = until.sinceEpoch.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        do {
            try await store.setValue(String(milliseconds), forKey: blockedUntilKey)
        } catch {
            logger.warning("Could not store the credential's rate-limit block", metadata: ["ccrelay.error": "\(error)"])
        }
    }

    /// Reads a response's rate-limit headers; a 429 blocks the credential for `Retry-After` + 10 s.
    /// Returns the time to wait before the next request on this credential.
    @discardableResult
    public func observe(_ response: InboundResponse) -> Duration {
        let now = clock.now
        if response.status == 429 {
            let asked = response.retryAfter
            let until = pacing.withLock { $0.rateLimited(retryAfter: asked, at: now) }
            let wait = now.duration(to: until)
            let metadata: Logger.Metadata = [
                "ccrelay.retry_after_secs": "\(asked.map { Int64($0.seconds) } ?? -1)",
                "ccrelay.blocked_until": "\(until)",
            ]
            if wait >= .seconds(3600) {
                logger.warning(
                    "Platform credential rate limited for an hour or more (daily limit); nothing is sent before then",
                    metadata: metadata)
            } else {
                logger.notice(
                    "Platform credential rate limited; nothing is sent before the allowed time", metadata: metadata)
            }
            return wait
        }
        if let budget = RateLimitPacing.remainingBudget(header: response.header) {
            let (before, after) = pacing.withLock { state in
                let before = state.factor
                state.observe(remaining: budget, at: now)
                return (before, state.factor)
            }
            if before != after {
                logger.notice(
                    "Poll interval factor changed with the remaining rate-limit budget",
                    metadata: ["ccrelay.remaining": "\(budget)", "ccrelay.factor": "\(after)"]
                )
            }
        }
        return pacing.withLock { $0.wait(at: now) }
    }
}

/// One ``CredentialThrottle`` per credential, shared by everything built from one configuration.
public final class CredentialThrottleRegistry: Sendable {
    private let throttles = Mutex<[String: CredentialThrottle]>([:])
    private let store: (any KeyValueStore)?

    /// - Parameter store: Where every throttle keeps its blocked-until instant across restarts;
    ///   `nil` (the default) keeps it in memory only.
    public init(store: (any KeyValueStore)? = nil) {
        self.store = store
    }

    /// The throttle of `credential` (a label such as `clientID@apiBaseURL`, never a secret),
    /// created on first use with `clock` and `logger`.
    public func throttle(credential: String, clock: any WallClock, logger: Logger) -> CredentialThrottle {
        throttles.withLock { throttles in
            if let existing = throttles[credential] { return existing }
            let created = CredentialThrottle(credential: credential, clock: clock, store: store, logger: logger)
            throttles[credential] = created
            return created
        }
    }
}
