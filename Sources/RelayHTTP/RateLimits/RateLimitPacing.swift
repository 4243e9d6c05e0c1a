import RelayCore

/// The pure decisions of a credential's rate-limit throttle: when the next request may go, and how
/// much to stretch every poller's interval. A value with no I/O, so every rule is testable alone;
/// ``CredentialThrottle`` holds one and executes what it decides.
///
/// * A 429 blocks the credential until `now + Retry-After + 10 s` (60 s + 10 s without the header);
///   a later, longer block extends it, a shorter one never shortens it.
/// * The remaining budget comes from Genesys' `inin-ratelimit-allowed − inin-ratelimit-count`, else
///   from a generic `X-RateLimit-Remaining`. Below ``lowBudgetThreshold`` the interval factor doubles (at
///   once from 1, then at most once per ``adjustmentSpacing``, up to ``maximumFactor``); at or above
///   twice the threshold it halves back toward 1, at most once per ``adjustmentSpacing``.
public struct RateLimitPacing: Sendable, Equatable {
    /// Remaining requests below which the poll interval doubles.
    public static let lowBudgetThreshold = 20
    /// The largest interval factor.
    public static let maximumFactor = 16
    /// The least time between two changes of the factor (one rate-limit window).
    public static let adjustmentSpacing: Duration = .seconds(60)
    /// Added to every `Retry-After`.
    public static let safetyMargin: Duration = .seconds(10)
    /// Assumed when a 429 carries no `Retry-After`.
    public static let defaultRetryAfter: Duration = .seconds(60)

    /// Nothing is sent on the credential before this instant.
    public private(set) var blockedUntil: WallInstant?
    /// The poll-interval multiplier: 1, 2, 4, ... ``maximumFactor``.
    public private(set) var factor = 1
    /// The last remaining budget the platform reported.
    public private(set) var remaining: Int?
    /// Total time the credential was blocked by rate limits (each block counted once, overlaps merged).
    public private(set) var throttled: Duration = .zero
    private var lastAdjustment: WallInstant?

    public init() {}

    /// How long a request must still wait at `now` (zero when it may go).
    public func wait(at now: WallInstant) -> Duration {
        guard let blockedUntil, now < blockedUntil else { return .zero }
        return now.duration(to: blockedUntil)
    }

    /// A 429 arrived at `now` asking for `retryAfter` (nil when absent); returns the instant the
    /// credential opens again.
    @discardableResult
    public mutating func rateLimited(retryAfter: Duration?, at now: WallInstant) -> WallInstant {
        let until = now.advanced(by: (retryAfter ?? Self.defaultRetryAfter) + Self.safetyMargin)
        let previous = blockedUntil.flatMap { $0 > now ? $0 : nil } ?? now
        if until > previous {
            throttled += previous.duration(to: until)
            blockedUntil = until
        }
        remaining = 0
        adjust(low: true, at: now)
        return blockedUntil ?? until
    }

    /// A block recorded earlier (by a previous process, from the state store) ends at `until`;
    /// adopted when it is still running at `now` and ends later than the current one.
    public mutating func restoreBlock(until: WallInstant, at now: WallInstant) {
        let previous = blockedUntil.flatMap { $0 > now ? $0 : nil } ?? now
        guard until > previous else { return }
        throttled += previous.duration(to: until)
        blockedUntil = until
    }

    /// A response reported a remaining budget at `now`.
    public mutating func observe(remaining budget: Int, at now: WallInstant) {
        remaining = budget
        if budget < Self.lowBudgetThreshold {
            adjust(low: true, at: now)
        } else if budget >= 2 * Self.lowBudgetThreshold {
            adjust(low: false, at: now)
        }
    }

    private mutating func adjust(low: Bool, at now: WallInstant) {
        let spaced = lastAdjustment.map { $0.duration(to: now) >= Self.adjustmentSpacing } ?? true
        if low {
            guard factor < Self.maximumFactor, factor == 1 || spaced else { return }
            factor *= 2
        } else {
            guard factor > 1, spaced else { return }
            factor /= 2
        }
        lastAdjustment = now
    }

    /// The remaining budget a response reports, if any: `inin-ratelimit-allowed − inin-ratelimit-count`,
    /// else `X-RateLimit-Remaining`. `header` looks a header up by name, case-insensitively.
    public static func remainingBudget(header: (String) -> String?) -> Int? {
        func number(_ name: String) -> Int? { header(name).flatMap { Int($0.trimmingWhitespaceForPacing) } }
        if let allowed = number("inin-ratelimit-allowed"), let count = number("inin-ratelimit-count") {
            return max(allowed - count, 0)
        }
        return number("x-ratelimit-remaining").map { max($0, 0) }
    }
}

extension String {
    fileprivate var trimmingWhitespaceForPacing: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
