import Metrics

/// The names of the metrics the pipeline's telemetry feeds (Prometheus style, `ccrelay_` prefix;
/// per-source metrics carry a `source` label, per-sink metrics a `sink` label).
public enum PipelineMetricName {
    public static let sourceRecordsReceived = "ccrelay_source_records_received_total"
    public static let sourceRecordsAccepted = "ccrelay_source_records_accepted_total"
    public static let sourceRecordsDuplicate = "ccrelay_source_records_duplicate_total"
    public static let sourceRecordsMalformed = "ccrelay_source_records_malformed_total"
    public static let sourceRecordsUnrouted = "ccrelay_source_records_unrouted_total"
    public static let sourceCycles = "ccrelay_source_cycles_total"
    public static let sourceCycleFailures = "ccrelay_source_cycle_failures_total"
    /// Labelled `source` and `service` (the refused partition).
    public static let sourceServiceFailures = "ccrelay_source_service_failures_total"
    /// Records accepted although older than the cursor's look-back edge when first seen.
    public static let sourceOutOfOrder = "ccrelay_source_out_of_order_total"
    public static let sourceAPICalls = "ccrelay_source_api_calls_total"
    public static let sourceThrottledSeconds = "ccrelay_source_throttled_seconds_total"
    public static let sourcePollInterval = "ccrelay_source_poll_interval_seconds"
    public static let sourceCheckpointLag = "ccrelay_source_checkpoint_lag_seconds"
    public static let sinkEventsDelivered = "ccrelay_sink_events_delivered_total"
    public static let sinkEventsDeadLettered = "ccrelay_sink_events_dead_lettered_total"
    public static let sinkEventsResent = "ccrelay_sink_events_resent_total"
    public static let sinkBatches = "ccrelay_sink_batches_total"
    public static let sinkFailedAttempts = "ccrelay_sink_failed_attempts_total"
    public static let sinkBatchLatency = "ccrelay_sink_batch_latency_seconds"
    public static let sinkPendingAcks = "ccrelay_sink_pending_acks"
    public static let sinkAckPollFailures = "ccrelay_sink_ack_poll_failures_total"
    /// Gauge: requests a sink may have in flight at once (adaptive concurrency).
    public static let sinkConcurrencyLimit = "ccrelay_sink_concurrency_limit"
    public static let sinkOutboxDepth = "ccrelay_sink_outbox_depth"
    public static let sinkOutboxOldestAge = "ccrelay_sink_outbox_oldest_age_seconds"
    public static let sinkCredentialRejected = "ccrelay_sink_credential_rejected"
    public static let receiverAuthFailures = "ccrelay_receiver_auth_failures_total"

    /// What each metric means, for the exposition's `# HELP` lines (one line of text each).
    public static let help: [String: String] = [
        sourceRecordsReceived: "Records a source read from its platform (pulled or pushed).",
        sourceRecordsAccepted: "Records stored in the outbox for the first time.",
        sourceRecordsDuplicate: "Records already accepted before (same event_id), not stored again.",
        sourceRecordsMalformed: "Records that could not be normalized; kept as dead letters.",
        sourceRecordsUnrouted: "Normalized events that matched no route and went to no sink.",
        sourceCycles: "Pull cycles a source ran.",
        sourceCycleFailures: "Pull cycles that ended with an error.",
        sourceServiceFailures: "Cycles in which the platform refused one service of a source while the others flowed.",
        sourceAPICalls: "HTTP requests a source made to its platform, token requests included.",
        sourceThrottledSeconds: "Seconds a source waited because its platform rate-limited it.",
        sourcePollInterval: "The current wait between pull cycles, after adaptive throttling.",
        sourceCheckpointLag: "Seconds between now and the source's oldest partition watermark.",
        sinkEventsDelivered: "Events the destination accepted (or acknowledged, with indexer acknowledgement).",
        sinkEventsDeadLettered: "Events moved to dead letters after a permanent refusal or the last attempt.",
        sinkEventsResent: "Events sent again because their acknowledgement did not arrive in time.",
        sinkBatches: "Batches (or parts of batches) the destination accepted.",
        sinkFailedAttempts: "Delivery attempts that failed (refusals, errors, throttling, outages).",
        sinkBatchLatency: "Seconds from a batch's claim to its delivery or acknowledgement.",
        sinkPendingAcks: "Batches sent and waiting for the destination's acknowledgement.",
        sinkAckPollFailures: "Acknowledgement polls that failed (the destination or the network did not answer them).",
        sinkConcurrencyLimit: "Requests the sink may have in flight at once (adaptive concurrency).",
        sinkOutboxDepth: "Events waiting in the sink's outbox.",
        sinkOutboxOldestAge: "Seconds the oldest event in the sink's outbox has waited.",
        sinkCredentialRejected: "1 while the destination refuses the sink's credential, else 0.",
        receiverAuthFailures: "Requests a push receiver refused for a missing or wrong key or password.",
    ]
}

/// One source's metric handles, made once per source name.
struct SourceMetricHandles: Sendable {
    let received, accepted, duplicates, malformed, unrouted, cycles, cycleFailures, apiCalls: Counter
    let throttled: FloatingPointCounter
    let pollInterval: Gauge

    init(source: String, factory: any MetricsFactory) {
        let labels = [("source", source)]
        func counter(_ name: String) -> Counter { Counter(label: name, dimensions: labels, factory: factory) }
        received = counter(PipelineMetricName.sourceRecordsReceived)
        accepted = counter(PipelineMetricName.sourceRecordsAccepted)
        duplicates = counter(PipelineMetricName.sourceRecordsDuplicate)
        malformed = counter(PipelineMetricName.sourceRecordsMalformed)
        unrouted = counter(PipelineMetricName.sourceRecordsUnrouted)
        cycles = counter(PipelineMetricName.sourceCycles)
        cycleFailures = counter(PipelineMetricName.sourceCycleFailures)
        apiCalls = counter(PipelineMetricName.sourceAPICalls)
        throttled = FloatingPointCounter(
            label: PipelineMetricName.sourceThrottledSeconds, dimensions: labels, factory: factory)
        pollInterval = Gauge(label: PipelineMetricName.sourcePollInterval, dimensions: labels, factory: factory)
    }
}

/// One sink's metric handles, made once per sink name.
struct SinkMetricHandles: Sendable {
    let delivered, deadLettered, resent, batches, failedAttempts, ackPollFailures: Counter
    let pendingAcks, concurrencyLimit: Gauge
    let latency: Metrics.Timer

    init(sink: String, factory: any MetricsFactory) {
        let labels = [("sink", sink)]
        func counter(_ name: String) -> Counter { Counter(label: name, dimensions: labels, factory: factory) }
        delivered = counter(PipelineMetricName.sinkEventsDelivered)
        deadLettered = counter(PipelineMetricName.sinkEventsDeadLettered)
        resent = counter(PipelineMetricName.sinkEventsResent)
        batches = counter(PipelineMetricName.sinkBatches)
        failedAttempts = counter(PipelineMetricName.sinkFailedAttempts)
        ackPollFailures = counter(PipelineMetricName.sinkAckPollFailures)
        pendingAcks = Gauge(label: PipelineMetricName.sinkPendingAcks, dimensions: labels, factory: factory)
        concurrencyLimit = Gauge(label: PipelineMetricName.sinkConcurrencyLimit, dimensions: labels, factory: factory)
        latency = Metrics.Timer(label: PipelineMetricName.sinkBatchLatency, dimensions: labels, factory: factory)
    }
}
