import Metrics
import Synchronization

/// Running counts of one source.
public struct SourceCounters: Sendable, Equatable {
    public var received = 0
    public var accepted = 0
    public var duplicates = 0
    public var malformed = 0
    /// Records first seen behind the cursor's look-back edge (found by a late sweep).
    public var outOfOrder = 0
    public var unrouted = 0
    public var cycles = 0
    public var failedCycles = 0
    /// Cycles failed in a row since the last successful one (0 after a success).
    public var consecutiveFailures = 0
    public var lastError: String?
    /// Partitions (services) the platform refused in the last completed cycle, with their errors;
    /// empty when every partition flowed.
    public var failingPartitions: [String: String] = [:]
    /// The source's current poll interval (stretched under a low rate-limit budget); nil before a cycle.
    public var pollInterval: Duration?
    /// Total time cycles were held back by the platform's rate limits (`Retry-After` pauses).
    public var throttled: Duration = .zero
    /// Calls made to the platform's API (as reported by the source).
    public var apiCalls = 0
    /// The oldest high-watermark over the source's partitions (checkpoints that are timestamps);
    /// nil when the source committed none.
    public var watermark: Timestamp?
    public init() {}

    /// The refused partitions by name with their errors (`service Quality: …; service X: …`), or
    /// nil when every partition flowed in the last cycle.
    public var partitionFailureSummary: String? {
        guard !failingPartitions.isEmpty else { return nil }
        return failingPartitions.sorted { $0.key < $1.key }.map { "service \($0.key): \($0.value)" }
            .joined(separator: "; ")
    }
}

/// Running counts of one sink.
public struct SinkCounters: Sendable, Equatable {
    public var delivered = 0
    public var deadLettered = 0
    public var batches = 0
    public var failedAttempts = 0
    /// Failed attempts since the last delivery (0 after a delivery).
    public var consecutiveFailures = 0
    /// Events sent again because their acknowledgement did not come in time: possible duplicates.
    public var resent = 0
    /// Batches currently awaiting acknowledgement.
    public var pendingAcks = 0
    /// Acknowledgement polls that failed in a row (0 after one succeeds).
    public var consecutiveAckPollFailures = 0
    /// Why the last acknowledgement poll failed, while they fail.
    public var lastAckPollError: String?
    /// Most requests in flight at once now (adaptive concurrency); nil before the first request.
    public var concurrencyLimit: Int?
    public var lastError: String?
    public init() {}

    /// Failed acknowledgement polls in a row from which acknowledgements count as failing
    /// (the `acknowledgements_failing` alert, the status page).
    public static let ackPollFailuresToReport = 3

    /// True while acknowledgement polls keep failing (``ackPollFailuresToReport`` or more in a row).
    public var acknowledgementsFailing: Bool { consecutiveAckPollFailures >= Self.ackPollFailuresToReport }
}

/// The pipeline's counters in one place: every component reports here, and the demo's progress
/// line, `once`'s summary, the status page and the metrics exporter read from here. Each record
/// also feeds the swift-metrics handles (``PipelineMetricName``) of the factory given at init.
public final class PipelineTelemetry: Sendable {
    private struct State {
        var sources: [String: SourceCounters] = [:]
        var sinks: [String: SinkCounters] = [:]
        /// Per sink, per worker: batches awaiting acknowledgement.
        var pendingAcksByWorker: [String: [Int: Int]] = [:]
        var sourceMetrics: [String: SourceMetricHandles] = [:]
        var sinkMetrics: [String: SinkMetricHandles] = [:]
        /// Per source, per partition: the last committed checkpoint when it is a timestamp.
        var watermarks: [String: [String: Timestamp]] = [:]
    }

    private let state = Mutex(State())
    private let factory: any MetricsFactory

    /// - Parameter metricsFactory: where the counters, gauges and histograms go. Default: the
    ///   process-wide `MetricsSystem.factory` (a no-op unless bootstrapped).
    public init(metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = metricsFactory
    }

    private func sourceMetrics(_ state: inout State, _ source: String) -> SourceMetricHandles {
        if let handles = state.sourceMetrics[source] { return handles }
        let handles = SourceMetricHandles(source: source, factory: factory)
        state.sourceMetrics[source] = handles
        return handles
    }

    private func sinkMetrics(_ state: inout State, _ sink: String) -> SinkMetricHandles {
        if let handles = state.sinkMetrics[sink] { return handles }
        let handles = SinkMetricHandles(sink: sink, factory: factory)
        state.sinkMetrics[sink] = handles
        return handles
    }

    /// Creates the metric handles of configured components up front, so their series exist (at 0)
    /// before anything happens.
    public func declare(sources: [String], sinks: [String]) {
        state.withLock { state in
            for source in sources { _ = sourceMetrics(&state, source) }
            for sink in sinks { _ = sinkMetrics(&state, sink) }
        }
    }

    public func recordIntake(source: String, received: Int, result: AppendResult, unrouted: Int) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].received += received
            state.sources[source, default: SourceCounters()].accepted += result.accepted
            state.sources[source, default: SourceCounters()].duplicates += result.duplicates
            state.sources[source, default: SourceCounters()].malformed += result.deadLettered
            state.sources[source, default: SourceCounters()].unrouted += unrouted
            let metrics = sourceMetrics(&state, source)
            metrics.received.increment(by: received)
            metrics.accepted.increment(by: result.accepted)
            metrics.duplicates.increment(by: result.duplicates)
            metrics.malformed.increment(by: result.deadLettered)
            metrics.unrouted.increment(by: unrouted)
        }
    }

    /// Records a partition's committed checkpoint; one that reads as an ISO 8601 timestamp is the
    /// partition's high-watermark (checkpoint lag = now − the oldest watermark).
    public func recordCheckpoint(source: String, partition: String, value: String) {
        guard let watermark = try? Timestamp.parseISO8601(value) else { return }
        state.withLock { $0.watermarks[source, default: [:]][partition] = watermark }
    }

    /// Records calls a source made to its platform's API.
    public func recordAPICalls(source: String, count: Int) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].apiCalls += count
            sourceMetrics(&state, source).apiCalls.increment(by: count)
        }
    }

    /// Counts records first seen behind the cursor's look-back edge in
    /// `ccrelay_source_out_of_order_total{source}`.
    public func recordOutOfOrder(source: String, count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.sources[source, default: SourceCounters()].outOfOrder += count }
        Counter(label: PipelineMetricName.sourceOutOfOrder, dimensions: [("source", source)], factory: factory)
            .increment(by: count)
    }

    public func recordCycle(source: String, error: String?) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].cycles += 1
            let metrics = sourceMetrics(&state, source)
            metrics.cycles.increment()
            if let error {
                state.sources[source, default: SourceCounters()].failedCycles += 1
                state.sources[source, default: SourceCounters()].consecutiveFailures += 1
                state.sources[source, default: SourceCounters()].lastError = error
                metrics.cycleFailures.increment()
            } else {
                state.sources[source, default: SourceCounters()].consecutiveFailures = 0
            }
        }
    }

    /// Records the partitions the platform refused in a completed cycle (replacing those of the
    /// previous cycle) and counts each in `ccrelay_source_service_failures_total{source,service}`.
    public func recordPartitionFailures(source: String, failures: [String: String]) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].failingPartitions = failures
            for service in failures.keys {
                Counter(
                    label: PipelineMetricName.sourceServiceFailures,
                    dimensions: [("source", source), ("service", service)], factory: factory
                ).increment()
            }
        }
    }

    /// Records a source's current poll interval and a rate-limit pause that follows its cycle.
    public func recordPacing(source: String, pollInterval: Duration, throttled: Duration) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].pollInterval = pollInterval
            state.sources[source, default: SourceCounters()].throttled += throttled
            let metrics = sourceMetrics(&state, source)
            metrics.pollInterval.record(pollInterval.seconds)
            if throttled > .zero { metrics.throttled.increment(by: throttled.seconds) }
        }
    }

    /// Records delivered (acknowledged) events of `batches` batches. Each instant of `claimedAt` (when
    /// a delivered batch was claimed from the outbox) gives one observation of the batch latency
    /// histogram, the time from it to `at`.
    public func recordDelivery(
        sink: String, delivered: Int, batches: Int = 1, claimedAt: [WallInstant] = [], at: WallInstant? = nil
    ) {
        state.withLock { state in
            state.sinks[sink, default: SinkCounters()].delivered += delivered
            state.sinks[sink, default: SinkCounters()].batches += batches
            state.sinks[sink, default: SinkCounters()].consecutiveFailures = 0
            let metrics = sinkMetrics(&state, sink)
            metrics.delivered.increment(by: delivered)
            metrics.batches.increment(by: batches)
            guard let at else { return }
            for claimed in claimedAt {
                let (seconds, attoseconds) = max(claimed.duration(to: at), .zero).components
                metrics.latency.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            }
        }
    }

    public func recordFailedAttempt(sink: String, error: String) {
        state.withLock { state in
            state.sinks[sink, default: SinkCounters()].failedAttempts += 1
            state.sinks[sink, default: SinkCounters()].consecutiveFailures += 1
            state.sinks[sink, default: SinkCounters()].lastError = error
            sinkMetrics(&state, sink).failedAttempts.increment()
        }
    }

    public func recordDeadLetters(sink: String, count: Int, error: String) {
        state.withLock { state in
            state.sinks[sink, default: SinkCounters()].deadLettered += count
            state.sinks[sink, default: SinkCounters()].lastError = error
            sinkMetrics(&state, sink).deadLettered.increment(by: count)
        }
    }

    public func recordResend(sink: String, events: Int) {
        state.withLock { state in
            state.sinks[sink, default: SinkCounters()].resent += events
            sinkMetrics(&state, sink).resent.increment(by: events)
        }
    }

    /// Batches awaiting acknowledgement at one of a sink's workers; the sink's figure is their sum.
    /// The sink's concurrency limit after a request.
    public func recordConcurrencyLimit(sink: String, limit: Int) {
        state.withLock { state in
            guard state.sinks[sink]?.concurrencyLimit != limit else { return }
            state.sinks[sink, default: SinkCounters()].concurrencyLimit = limit
            sinkMetrics(&state, sink).concurrencyLimit.record(limit)
        }
    }

    public func recordPendingAcks(sink: String, worker: Int, batches: Int) {
        state.withLock { state in
            state.pendingAcksByWorker[sink, default: [:]][worker] = batches
            let total = state.pendingAcksByWorker[sink, default: [:]].values.reduce(0, +)
            state.sinks[sink, default: SinkCounters()].pendingAcks = total
            sinkMetrics(&state, sink).pendingAcks.record(total)
        }
    }

    /// Records the outcome of one acknowledgement poll: `failure` is its reason, `nil` when it
    /// succeeded (which ends a run of failures).
    public func recordAckPoll(sink: String, failure: String?) {
        state.withLock { state in
            if let failure {
                state.sinks[sink, default: SinkCounters()].consecutiveAckPollFailures += 1
                state.sinks[sink, default: SinkCounters()].lastAckPollError = failure
                sinkMetrics(&state, sink).ackPollFailures.increment()
            } else {
                state.sinks[sink, default: SinkCounters()].consecutiveAckPollFailures = 0
                state.sinks[sink, default: SinkCounters()].lastAckPollError = nil
            }
        }
    }

    public func source(_ name: String) -> SourceCounters {
        state.withLock { state in
            var counters = state.sources[name] ?? SourceCounters()
            counters.watermark = state.watermarks[name]?.values.min()
            return counters
        }
    }

    public func sink(_ name: String) -> SinkCounters {
        state.withLock { $0.sinks[name] ?? SinkCounters() }
    }
}
