import RelayCore
import RelaySinks

/// Configuration of the Firehose data-transformation handler (`lambda.firehose_transform`).
public struct FirehoseTransformConfiguration: Sendable {
    /// What an `Ok` record's data becomes.
    public enum Output: Sendable, Equatable {
        /// A Splunk HEC event envelope (`time`, `host`, `source`, `sourcetype`, `index`,
        /// `fields.event_id`, `event`), for a Firehose stream whose destination is Splunk. The
        /// sink configuration supplies those fields; its endpoints and token are unused.
        case splunk(SplunkHECSinkConfiguration)
        /// A Datadog log entry (`message`, `ddsource`, `ddtags`, `hostname`, `service`, `status` and
        /// the event's fields), for a Firehose stream whose destination is Datadog.
        case datadog(DatadogLogsSinkConfiguration)
        /// The normalized event itself, one JSON object per line (an S3 or HTTP destination).
        case event
    }

    /// Default `.splunk` with sourcetype `ccas:auditlog`, source `<platform>:<source_kind>`, the token's index.
    public var output: Output
    /// Records whose normalized events all match this EventBridge pattern are answered `Dropped`
    /// (events that match inside a record of several are left out). Default none.
    public var dropPattern: (any EventMatcher)?
    /// Applied to every event before it is encoded. Default none.
    public var redactor: Redactor?
    /// Largest response body; records that would push the response past it are answered
    /// `ProcessingFailed`. Default 6,000,000 bytes (Lambda's synchronous response limit is 6 MB).
    public var maxResponseBytes: Int

    /// A configuration; each parameter defaults as its property documents.
    public init(
        output: Output = .splunk(Self.splunkEnvelope()),
        dropPattern: (any EventMatcher)? = nil,
        redactor: Redactor? = nil,
        maxResponseBytes: Int = 6_000_000
    ) {
        self.output = output
        self.dropPattern = dropPattern
        self.redactor = redactor
        self.maxResponseBytes = maxResponseBytes
    }

    /// Splunk envelope settings (the HEC sink's own defaults: sourcetype `ccas:auditlog`, source
    /// `<platform>:<source_kind>`, no index or host, so the token's defaults apply).
    public static func splunkEnvelope(
        index: String? = nil, sourcetype: String = "ccas:auditlog", source: String? = nil, host: String? = nil
    ) -> SplunkHECSinkConfiguration {
        SplunkHECSinkConfiguration(
            name: "firehose_transform", endpoints: [], token: "", index: index, sourcetype: sourcetype, source: source,
            host: host)
    }

    /// Datadog entry settings (the Datadog sink's defaults: `ddsource` the platform, service `ccrelay`,
    /// status `info`).
    public static func datadogShape(
        ddsource: String? = nil, service: String = "ccrelay", hostname: String? = nil, tags: [String: String] = [:],
        status: String = "info"
    ) -> DatadogLogsSinkConfiguration {
        DatadogLogsSinkConfiguration(
            name: "firehose_transform", apiKey: "", ddsource: ddsource, service: service, hostname: hostname,
            tags: tags,
            status: status)
    }
}
