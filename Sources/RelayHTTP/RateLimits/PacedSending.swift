import RelayCore

/// How a platform API client sends one request under its credential's rate limits; shared by the
/// Genesys and CXone clients so both pace, wait and resend by the same rules.
///
/// * Before the first request, a blocked-until instant stored by an earlier process is adopted
///   (``CredentialThrottle/restoreBlock()``); every 429's block is stored for the next one.
/// * No request is sent while the credential's ``CredentialThrottle`` is blocked: the request
///   waits on the clock when the block ends within ``maximumThrottleWait``, else it throws
///   `RelayError(.rateLimited)` at once, without sending, with the remaining wait as `retryAfter`.
/// * Every response's rate-limit headers feed the throttle; a 429 blocks the credential for
///   `Retry-After` + 10 s and is waited out (within ``maximumThrottleWait``) or thrown the same way.
/// * With a clock, 502/503/504 are resent after a jittered exponential backoff
///   (``transientRetryPolicy``); the last such response is returned for the caller to report.
public struct PacedSending: Sendable {
    /// Statuses resent with backoff when a clock is set.
    public static let transientStatuses: Set<Int> = [502, 503, 504]

    /// The credential's shared rate-limit state; `nil` sends unpaced (a 429 is returned to the caller).
    public var throttle: CredentialThrottle?
    /// The longest a request waits for a rate-limit block before throwing instead. Default zero.
    public var maximumThrottleWait: Duration
    /// Backoff for 502/503/504. Default 4 attempts in all, 1 s doubling to 30 s, full jitter.
    public var transientRetryPolicy: RetryPolicy
    /// Times backoff and throttle waits; `nil` disables 5xx resends.
    public var clock: (any WallClock)?

    public init(
        throttle: CredentialThrottle?, maximumThrottleWait: Duration = .zero,
        transientRetryPolicy: RetryPolicy = PacedSending.defaultTransientRetryPolicy, clock: (any WallClock)?
    ) {
        self.throttle = throttle
        self.maximumThrottleWait = maximumThrottleWait
        self.transientRetryPolicy = transientRetryPolicy
        self.clock = clock
    }

    /// 4 attempts in all, 1 s doubling to 30 s, full jitter.
    public static let defaultTransientRetryPolicy = RetryPolicy(
        maxAttempts: 4, initialBackoff: .seconds(1), maxBackoff: .seconds(30))

    /// Runs `attempt` (one authorized send) under the rules above; `label` (method and path) names
    /// the request in errors.
    public func send(
        label: String, _ attempt: () async throws(RelayError) -> InboundResponse
    ) async throws(RelayError) -> InboundResponse {
        var transientFailures = 0
        var generator = SystemRandomNumberGenerator()
        await throttle?.restoreBlock()
        while true {
            try await admit(label)
            let response = try await attempt()
            if response.status == 429, let throttle {
                let wait = throttle.observe(response)
                await throttle.persistBlock()
                if wait <= maximumThrottleWait { continue }
                throw RelayError(
                    .rateLimited, "\(label) was rate limited (429, blocked for \(Int64(wait.seconds)) s)",
                    retryAfter: wait)
            }
            throttle?.observe(response)
            guard Self.transientStatuses.contains(response.status), let clock,
                transientFailures + 1 < transientRetryPolicy.maxAttempts
            else { return response }
            transientFailures += 1
            let delay = transientRetryPolicy.delay(afterFailures: transientFailures, using: &generator)
            do {
                try await clock.sleep(until: clock.now.advanced(by: delay), tolerance: nil)
            } catch {
                throw RelayError(.cancelled, "\(label): cancelled while backing off after status \(response.status)")
            }
        }
    }

    /// Waits for (or refuses on) the credential's rate-limit block; sends nothing.
    private func admit(_ label: String) async throws(RelayError) {
        guard let throttle else { return }
        let wait = throttle.pendingWait()
        guard wait > .zero else { return }
        guard wait <= maximumThrottleWait else {
            throw RelayError(
                .rateLimited,
                "\(label) not sent: the credential is rate limited for \(Int64(wait.seconds.rounded(.up))) s more",
                retryAfter: wait
            )
        }
        do {
            try await throttle.waitUntilOpen()
        } catch {
            throw RelayError(.cancelled, "\(label): cancelled while waiting for the credential's rate limit")
        }
    }
}
