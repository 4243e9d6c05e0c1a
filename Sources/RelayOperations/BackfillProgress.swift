import RelayConfig
import RelayCore
import RelayRuntime

/// Where a backfill stands: windows, pages and records so far, and an estimate of the time left.
public struct BackfillProgress: Sendable, Equatable {
    /// Windows (service × ≤ 31 days) to extract in all.
    public var windowsTotal: Int
    /// Windows finished (extracted, already done before, or failed).
    public var windowsDone = 0
    /// Results pages committed.
    public var pages = 0
    /// Records read.
    public var records = 0
    /// Records new to the dedup ledger.
    public var accepted = 0
    /// When this run started.
    public var started: WallInstant

    public init(windowsTotal: Int, started: WallInstant) {
        self.windowsTotal = windowsTotal
        self.started = started
    }

    /// Time left at `now`, from the rate of finished windows; nil before the first one finishes.
    public func estimatedRemaining(at now: WallInstant) -> Duration? {
        guard windowsDone > 0, windowsDone < windowsTotal else { return windowsDone >= windowsTotal ? .zero : nil }
        let elapsed = started.duration(to: now)
        return elapsed * Double(windowsTotal - windowsDone) / Double(windowsDone)
    }

    /// One plain line, for logs and pipes:
    /// `backfill windows=3/12 pages=40 records=19873 accepted=19870 eta=2m10s`.
    public func line(at now: WallInstant) -> String {
        "backfill windows=\(windowsDone)/\(windowsTotal) pages=\(pages) records=\(records) accepted=\(accepted) eta="
            + Self.format(estimatedRemaining(at: now))
    }

    /// A bar for a terminal (to be written after a carriage return), `width` cells wide:
    /// `[#####.....] 5/12 windows · 40 pages · 19873 records · ETA 2m10s`.
    public func bar(at now: WallInstant, width: Int = 24) -> String {
        let filled = windowsTotal == 0 ? width : width * windowsDone / windowsTotal
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(windowsDone)/\(windowsTotal) windows · \(pages) pages · \(records) records · ETA "
            + Self.format(estimatedRemaining(at: now))
    }

    static func format(_ duration: Duration?) -> String {
        guard let duration else { return "?" }
        let total = max(Int64(duration.seconds.rounded(.up)), 0)
        let (hours, minutes, seconds) = (total / 3600, total % 3600 / 60, total % 60)
        if hours > 0 { return "\(hours)h\(minutes)m" }
        if minutes > 0 { return "\(minutes)m\(seconds)s" }
        return "\(seconds)s"
    }
}
