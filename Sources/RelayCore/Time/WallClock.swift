#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant on the UTC wall clock, so one injected clock serves both for sleeping and for
/// stamping records (watermarks, lease expiries, ledger retention).
public struct WallInstant: InstantProtocol, Sendable, Hashable, CustomStringConvertible {
    /// Time since 1970-01-01T00:00:00Z.
    public var sinceEpoch: Duration

    public init(sinceEpoch: Duration) {
        self.sinceEpoch = sinceEpoch
    }

    public init(_ timestamp: Timestamp) {
        self.sinceEpoch = .milliseconds(timestamp.millisecondsSinceEpoch)
    }

    public func advanced(by duration: Duration) -> WallInstant {
        WallInstant(sinceEpoch: sinceEpoch + duration)
    }

    public func duration(to other: WallInstant) -> Duration {
        other.sinceEpoch - sinceEpoch
    }

    public static func < (lhs: WallInstant, rhs: WallInstant) -> Bool {
        lhs.sinceEpoch < rhs.sinceEpoch
    }

    /// The instant truncated to milliseconds.
    public var timestamp: Timestamp {
        let (seconds, attoseconds) = sinceEpoch.components
        return Timestamp(millisecondsSinceEpoch: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    public var description: String { timestamp.iso8601 }
}

/// A clock that tells UTC wall time. Every component that waits or stamps time takes one, so tests
/// drive time with a manual clock (`RelayTesting.ManualClock`) instead of sleeping.
public protocol WallClock: Clock where Instant == WallInstant {}

extension Duration {
    /// The duration in (fractional) seconds.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// A duration from fractional seconds.
    public static func secondsDouble(_ value: Double) -> Duration {
        .nanoseconds(Int64((value * 1e9).rounded()))
    }
}

/// The system's real-time clock; sleeps on the continuous clock.
public struct SystemClock: WallClock {
    public init() {}

    public var now: WallInstant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallInstant(sinceEpoch: .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec))
    }

    public var minimumResolution: Duration { .microseconds(1) }

    public func sleep(until deadline: WallInstant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        if remaining > .zero {
            try await ContinuousClock().sleep(for: remaining, tolerance: tolerance)
        } else {
            try Task.checkCancellation()
        }
    }
}
