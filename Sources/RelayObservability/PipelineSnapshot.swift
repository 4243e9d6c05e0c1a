import RelayCore

/// The pipeline's state at one instant, gathered once per scrape or page view: counters from the
/// telemetry, figures from the state store (depth, oldest row, dead letters), credential health.
public struct PipelineSnapshot: Sendable {
    public struct SourceView: Sendable {
        public var name: String
        public var kind: String
        public var counters: SourceCounters
        public var state: ComponentState
        /// Now − the oldest partition watermark, when the source keeps one.
        public var checkpointLag: Duration?
        /// Records received per minute over the last hour, oldest first.
        public var perMinute: [Int]
    }

    public struct SinkView: Sendable {
        public var name: String
        public var counters: SinkCounters
        public var state: ComponentState
        /// Rows waiting in the outbox; nil when the store did not answer.
        public var outboxDepth: Int?
        /// Age of the oldest waiting row; nil when the outbox is empty or the store did not answer.
        public var oldestAge: Duration?
        public var rejection: String?
        /// Events delivered per minute over the last hour, oldest first.
        public var perMinute: [Int]
    }

    /// Dead letters read for the page, at most.
    public static let deadLetterLimit = 200

    public var takenAt: WallInstant
    public var sources: [SourceView]
    public var sinks: [SinkView]
    /// The newest dead letters (up to ``deadLetterLimit``).
    public var deadLetters: [DeadLetter]
    /// Set when the state store failed to answer (figures that need it are missing).
    public var storeError: String?

    /// Gathers a snapshot; store failures are recorded in ``storeError``, never thrown.
    public static func take(_ pipeline: ObservedPipeline, includeDeadLetters: Bool = true) async -> PipelineSnapshot {
        let now = pipeline.clock.now
        var storeError: String?
        var sinks: [SinkView] = []
        for name in pipeline.sinks {
            let counters = pipeline.telemetry.sink(name)
            var depth: Int?
            var oldestAge: Duration?
            do {
                depth = try await pipeline.store.outboxDepth(sink: name)
                if let oldest = try await pipeline.store.oldestEnqueued(sink: name) {
                    oldestAge = max(WallInstant(oldest).duration(to: now), .zero)
                }
            } catch {
                storeError = "\(error)"
            }
            let perMinute = pipeline.throughput.perMinute(
                ThroughputRecorder.sinkKey(name), liveTotal: counters.delivered, now: now)
            let rejection = pipeline.health.rejection(of: name)
            let state = ComponentState.of(
                sink: counters, rejected: rejection != nil, outboxDepth: depth, lastHour: perMinute.reduce(0, +))
            sinks.append(
                SinkView(
                    name: name, counters: counters, state: state, outboxDepth: depth, oldestAge: oldestAge,
                    rejection: rejection, perMinute: perMinute))
        }
        let sources = pipeline.sources.map { source in
            let counters = pipeline.telemetry.source(source.name)
            let perMinute = pipeline.throughput.perMinute(
                ThroughputRecorder.sourceKey(source.name), liveTotal: counters.received, now: now)
            let state = ComponentState.of(
                source: counters, halted: pipeline.health.allRejected(source.feeds), lastHour: perMinute.reduce(0, +))
            let lag = counters.watermark.map { max(WallInstant($0).duration(to: now), .zero) }
            return SourceView(
                name: source.name, kind: source.kind, counters: counters, state: state, checkpointLag: lag,
                perMinute: perMinute)
        }
        var deadLetters: [DeadLetter] = []
        if includeDeadLetters {
            do {
                deadLetters = try await pipeline.store.deadLetters(limit: deadLetterLimit)
            } catch {
                storeError = "\(error)"
            }
        }
        return PipelineSnapshot(
            takenAt: now, sources: sources, sinks: sinks, deadLetters: deadLetters, storeError: storeError)
    }
}
