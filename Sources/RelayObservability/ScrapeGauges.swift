import Metrics
import RelayCore

/// The gauges sampled at scrape time (what the telemetry cannot count as it happens): outbox depth
/// and oldest age, checkpoint lag, credential rejection, the process figures and the build info.
enum ScrapeGauges {
    static let residentMemory = "ccrelay_process_resident_memory_bytes"
    static let openFileDescriptors = "ccrelay_process_open_fds"
    static let startTime = "ccrelay_process_start_time_seconds"
    static let buildInfo = "ccrelay_build_info"

    /// `# HELP` texts of the process gauges.
    static let help: [String: String] = [
        residentMemory: "Resident memory of the ccrelay process in bytes.",
        openFileDescriptors: "File descriptors the ccrelay process has open.",
        startTime: "When the ccrelay process started, in seconds since the Unix epoch.",
        buildInfo: "Always 1; its labels name the running ccrelay's version and git commit.",
    ]

    /// Records the snapshot's figures into `factory`'s gauges.
    static func update(from snapshot: PipelineSnapshot, process: ProcessFigures, factory: any MetricsFactory) {
        for sink in snapshot.sinks {
            let labels = [("sink", sink.name)]
            if let depth = sink.outboxDepth {
                Gauge(label: PipelineMetricName.sinkOutboxDepth, dimensions: labels, factory: factory).record(depth)
                Gauge(label: PipelineMetricName.sinkOutboxOldestAge, dimensions: labels, factory: factory)
                    .record(sink.oldestAge?.seconds ?? 0)
            }
            Gauge(label: PipelineMetricName.sinkCredentialRejected, dimensions: labels, factory: factory)
                .record(sink.rejection == nil ? 0 : 1)
            Gauge(label: PipelineMetricName.sinkPendingAcks, dimensions: labels, factory: factory)
                .record(sink.counters.pendingAcks)
        }
        for source in snapshot.sources {
            if let lag = source.checkpointLag {
                Gauge(
                    label: PipelineMetricName.sourceCheckpointLag, dimensions: [("source", source.name)],
                    factory: factory
                )
                .record(lag.seconds)
            }
        }
        if let bytes = process.residentMemoryBytes {
            Gauge(label: residentMemory, factory: factory).record(bytes)
        }
        if let count = process.openFileDescriptors {
            Gauge(label: openFileDescriptors, factory: factory).record(count)
        }
        if let start = process.startTimeSeconds {
            Gauge(label: startTime, factory: factory).record(start)
        }
        Gauge(
            label: buildInfo, dimensions: [("version", BuildInfo.version), ("commit", BuildInfo.commit)],
            factory: factory
        )
        .record(1)
    }
}
