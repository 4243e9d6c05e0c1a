import Metrics
import Prometheus
import RelayCore

/// ccrelay's Prometheus exporter: a collector registry and the swift-metrics factory that feeds it.
/// `ccrelay run` makes one and bootstraps it process-wide (``bootstrapProcessWide()``); tests make
/// their own and hand it to the runtime, never touching the global metrics system.
public struct MetricsExporter: Sendable {
    /// Where every metric lives; `GET /metrics` emits it.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory writing into ``registry``.
    public let factory: PrometheusMetricsFactory

    /// Buckets of `ccrelay_sink_batch_latency_seconds` (claim → acknowledged): from 50 ms to
    /// 10 min, since acknowledged sinks confirm after their ack poll interval (10 s by default).
    public static let batchLatencyBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
        .seconds(300), .seconds(600),
    ]

    /// - Parameter registry: default a fresh registry (not swift-prometheus's shared default one).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[PipelineMetricName.sinkBatchLatency] = Self.batchLatencyBuckets
        self.factory = factory
    }

    /// Makes this exporter's factory the process-wide `MetricsSystem` factory, so libraries that
    /// report through swift-metrics land on `/metrics` too. Call at most once per process.
    public func bootstrapProcessWide() {
        MetricsSystem.bootstrap(factory)
    }

    /// Every metric in the Prometheus text exposition format (version 0.0.4), each ccrelay family
    /// with a `# HELP` line before its `# TYPE` line.
    public func exposition() -> String {
        Self.addingHelp(to: registry.emitToString())
    }

    /// The `# HELP` texts of ccrelay's metrics, by name.
    static let helpTexts = PipelineMetricName.help.merging(ScrapeGauges.help) { first, _ in first }

    /// Inserts `# HELP name text` before each `# TYPE name ...` line whose metric has a text in
    /// ``helpTexts``. swift-metrics has no way to pass help text to the registry, so it is added here.
    static func addingHelp(to text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst("# TYPE ".count).prefix { $0 != " " }
                if let help = helpTexts[String(name)] { lines.append("# HELP \(name) \(help)") }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The content type of ``exposition()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
