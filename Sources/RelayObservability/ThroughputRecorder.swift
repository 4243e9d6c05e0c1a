import Logging
import RelayCore
import ServiceLifecycle
import Synchronization

/// Per-minute counts over the last hour for each component, for the status page's charts: a ring
/// of cumulative totals sampled at minute boundaries (by ``ThroughputSampler``), turned into
/// per-minute differences on demand.
public final class ThroughputRecorder: Sendable {
    /// Minutes shown (and kept).
    public static let minutes = 60

    private struct Sample {
        var at: WallInstant
        var totals: [String: Int]
    }

    private let samples = Mutex<[Sample]>([])

    public init() {}

    /// The key of a source's series.
    public static func sourceKey(_ name: String) -> String { "source/\(name)" }
    /// The key of a sink's series.
    public static func sinkKey(_ name: String) -> String { "sink/\(name)" }

    /// Records cumulative totals as of `at`; samples older than the window (plus one) are dropped.
    public func sample(totals: [String: Int], at: WallInstant) {
        samples.withLock { samples in
            samples.append(Sample(at: at, totals: totals))
            let horizon = at.advanced(by: .seconds(-60 * (Self.minutes + 1)))
            // Keep one sample at or before the horizon, as the base of the oldest minute.
            while samples.count > 2, samples[1].at <= horizon { samples.removeFirst() }
        }
    }

    /// Counts per minute for `key`, oldest first, ``minutes`` values; the last one is the current
    /// minute so far (up to `liveTotal`, the total now). Minutes before the first sample count 0.
    public func perMinute(_ key: String, liveTotal: Int, now: WallInstant) -> [Int] {
        let samples = samples.withLock { $0 }
        let currentMinute = Self.minuteIndex(now)
        func total(atOrBefore instant: WallInstant) -> Int? {
            samples.last { $0.at <= instant }.map { $0.totals[key] ?? 0 }
        }
        var counts: [Int] = []
        counts.reserveCapacity(Self.minutes)
        for minute in (currentMinute - Int64(Self.minutes) + 1)...currentMinute {
            let start = WallInstant(sinceEpoch: .seconds(minute * 60))
            let end = WallInstant(sinceEpoch: .seconds((minute + 1) * 60))
            // A minute's base: the last total at its start, else the first sample inside it.
            let base =
                total(atOrBefore: start)
                ?? samples.first { $0.at > start && $0.at < end }.map { $0.totals[key] ?? 0 }
            let top = minute == currentMinute ? liveTotal : total(atOrBefore: end)
            if let base, let top { counts.append(max(top - base, 0)) } else { counts.append(0) }
        }
        return counts
    }

    static func minuteIndex(_ instant: WallInstant) -> Int64 {
        let seconds = instant.sinceEpoch.components.seconds
        return seconds >= 0 ? seconds / 60 : (seconds - 59) / 60
    }
}

/// Samples a pipeline's throughput totals into its ``ThroughputRecorder`` at start and at every
/// minute boundary, until graceful shutdown.
public struct ThroughputSampler: Service {
    private let pipeline: ObservedPipeline

    public init(pipeline: ObservedPipeline) {
        self.pipeline = pipeline
    }

    public func run() async throws {
        let clock = pipeline.clock
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let now = clock.now
            pipeline.throughput.sample(totals: pipeline.throughputTotals(), at: now)
            let next = WallInstant(sinceEpoch: .seconds((ThroughputRecorder.minuteIndex(now) + 1) * 60))
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: next, tolerance: nil) }
            } catch {
                return
            }
        }
    }
}
