import RelayCore

/// What the observability endpoints (`/metrics`, `/readyz`, `/`, `/deadletters`) read: the
/// runtime's shared parts and the names of its components.
public struct ObservedPipeline: Sendable {
    /// A configured source and the sinks its routes feed.
    public struct Source: Sendable, Equatable {
        public var name: String
        /// `pull` or `push`.
        public var kind: String
        public var feeds: [String]

        public init(name: String, kind: String, feeds: [String]) {
            self.name = name
            self.kind = kind
            self.feeds = feeds
        }
    }

    public var sources: [Source]
    public var sinks: [String]
    public var store: any StateStore
    public var telemetry: PipelineTelemetry
    public var health: SinkHealth
    public var clock: any WallClock
    public var metrics: MetricsExporter
    public var throughput: ThroughputRecorder

    public init(
        sources: [Source], sinks: [String], store: any StateStore, telemetry: PipelineTelemetry, health: SinkHealth,
        clock: any WallClock, metrics: MetricsExporter, throughput: ThroughputRecorder
    ) {
        self.sources = sources
        self.sinks = sinks
        self.store = store
        self.telemetry = telemetry
        self.health = health
        self.clock = clock
        self.metrics = metrics
        self.throughput = throughput
    }

    /// The cumulative totals the throughput charts follow: records received per source, events
    /// delivered per sink (keys from ``ThroughputRecorder/sourceKey(_:)`` and ``ThroughputRecorder/sinkKey(_:)``).
    public func throughputTotals() -> [String: Int] {
        var totals: [String: Int] = [:]
        for source in sources {
            totals[ThroughputRecorder.sourceKey(source.name)] = telemetry.source(source.name).received
        }
        for sink in sinks { totals[ThroughputRecorder.sinkKey(sink)] = telemetry.sink(sink).delivered }
        return totals
    }
}

/// How a component is doing, as the status page shows it.
public enum ComponentState: String, Sendable, Equatable {
    case ok
    /// Its last cycle or delivery attempt failed (for a source: or one of its services was
    /// refused); it tries again.
    case retrying
    /// The destination rejects the sink's credential (for a source: every sink it feeds).
    case halted = "halted on credential"
    /// Nothing moved in the last hour and nothing is waiting.
    case idle

    /// A source's state from its counters, whether it is halted, and its last hour's records.
    public static func of(source counters: SourceCounters, halted: Bool, lastHour: Int) -> ComponentState {
        if halted { return .halted }
        if counters.consecutiveFailures > 0 || !counters.failingPartitions.isEmpty { return .retrying }
        return lastHour == 0 ? .idle : .ok
    }

    /// A sink's state from its counters, its credential rejection, its outbox depth and its last
    /// hour's deliveries.
    public static func of(sink counters: SinkCounters, rejected: Bool, outboxDepth: Int?, lastHour: Int)
        -> ComponentState
    {
        if rejected { return .halted }
        if counters.consecutiveFailures > 0 || counters.acknowledgementsFailing { return .retrying }
        return lastHour == 0 && (outboxDepth ?? 0) == 0 && counters.pendingAcks == 0 ? .idle : .ok
    }
}
