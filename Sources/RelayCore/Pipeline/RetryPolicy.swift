/// Exponential backoff with full jitter, capped, and a limit of attempts before dead letters.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all (the first send included) before a batch is dead-lettered. Default 5. Only
    /// failures that may be the batch's own count; while the destination is unavailable (unreachable,
    /// 429, 502, 503, 504, HEC busy) or refuses the credential, the batch is retried without limit.
    public var maxAttempts: Int
    /// Backoff ceiling after the first failure. Default 1 s.
    public var initialBackoff: Duration
    /// Largest backoff ceiling. Default 60 s.
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 5, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(60)) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The ceiling of the delay after `failedAttempts` failures: `initial × 2^(n-1)`, capped.
    public func ceiling(afterFailures failedAttempts: Int) -> Duration {
        let exponent = min(max(failedAttempts - 1, 0), 30)
        let ceiling = initialBackoff * (1 << exponent)
        return min(ceiling, maxBackoff)
    }

    /// A delay drawn uniformly from `[0, ceiling]` (full jitter), never shorter than `atLeast`
    /// (a destination's `Retry-After`).
    public func delay(
        afterFailures failedAttempts: Int,
        atLeast floor: Duration? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let ceiling = ceiling(afterFailures: failedAttempts)
        let nanos = max(Int64(ceiling.seconds * 1e9), 0)
        let jittered = Duration.nanoseconds(nanos == 0 ? 0 : Int64.random(in: 0...nanos, using: &generator))
        return max(jittered, floor ?? .zero)
    }
}
