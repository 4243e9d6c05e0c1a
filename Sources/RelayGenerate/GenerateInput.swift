/// What the generators need from the user's configuration, as plain values (RelayOperations maps its
/// `RelayConfiguration` to this; see `GenerateInput.from(_:)` there). Every default is one a
/// configuration without that part gets.
public struct GenerateInput: Sendable, Equatable {
    /// Splunk HEC sinks; default one: index `ccas`, sourcetype `ccas:auditlog`, acknowledgement on.
    public var splunk: [SplunkSinkInput]
    /// Datadog Logs sinks; default one: service `ccrelay`, `ddsource` `genesys`.
    public var datadog: [DatadogSinkInput]
    /// Sumo Logic sinks; default one: source category `ccrelay`.
    public var sumo: [SumoSinkInput]
    /// Genesys Cloud topics pushed through EventBridge (topic patterns with `{id}`, as the
    /// integration's filter list and EventBridge's `detail-type` spell them). Default
    /// ``defaultPushTopics``.
    public var pushTopics: [String]
    /// Backend logs the abandonment dashboards overlay. Default ``BackendLogs/init()``.
    public var backend: BackendLogs
    /// Alert thresholds. Default ``GeneratedAlertThresholds/init()``.
    public var alerts: GeneratedAlertThresholds
    /// The Firehose stream feeding ccrelay's receiver. Default ``FirehoseStreamConfiguration/init()``.
    public var firehose: FirehoseStreamConfiguration
    /// Where the OAuth-secret alert pages: the configuration's `alerts.targets` of kind `webhook`
    /// and `pagerduty`, by name (never their URL or key). Default none: no paging action.
    public var pagingTargets: [PagingTarget]
    /// OAuth client ids the generated privileged-clients lookup starts with. Default none: the
    /// lookup starts with the row `*` (every client) until the operator lists theirs.
    public var privilegedClients: [String]

    public init(
        splunk: [SplunkSinkInput] = [SplunkSinkInput()],
        datadog: [DatadogSinkInput] = [DatadogSinkInput()],
        sumo: [SumoSinkInput] = [SumoSinkInput()],
        pushTopics: [String] = GenerateInput.defaultPushTopics,
        backend: BackendLogs = BackendLogs(),
        alerts: GeneratedAlertThresholds = GeneratedAlertThresholds(),
        firehose: FirehoseStreamConfiguration = FirehoseStreamConfiguration(),
        pagingTargets: [PagingTarget] = [],
        privilegedClients: [String] = []
    ) {
        self.splunk = splunk.isEmpty ? [SplunkSinkInput()] : splunk
        self.datadog = datadog.isEmpty ? [DatadogSinkInput()] : datadog
        self.sumo = sumo.isEmpty ? [SumoSinkInput()] : sumo
        self.pushTopics = pushTopics.isEmpty ? GenerateInput.defaultPushTopics : pushTopics
        self.backend = backend
        self.alerts = alerts
        self.firehose = firehose
        self.pagingTargets = pagingTargets
        self.privilegedClients = privilegedClients
    }

    /// Audit changes, queue entry, agent connect, customer and agent hang-ups (the abandonment
    /// panels need the first three conversation phases), wrap-up, edge metrics and transcripts.
    public static let defaultPushTopics = [
        "v2.audits.entitytype.{id}.entityid.{id}",
        "v2.detail.events.conversation.{id}.acd.start",
        "v2.detail.events.conversation.{id}.user.start",
        "v2.detail.events.conversation.{id}.customer.end",
        "v2.detail.events.conversation.{id}.user.end",
        "v2.detail.events.conversation.{id}.acw",
        "v2.telephony.providers.edges.{id}.metrics",
        "v2.conversations.{id}.transcription",
    ]

    /// Topics whose events go to the transcript archive rather than to ccrelay.
    public var transcriptTopics: [String] { pushTopics.filter(Self.isTranscriptTopic) }
    /// Topics whose events go to ccrelay's receiver.
    public var relayTopics: [String] { pushTopics.filter { !Self.isTranscriptTopic($0) } }

    static func isTranscriptTopic(_ topic: String) -> Bool {
        topic.hasPrefix("v2.conversations.") && topic.hasSuffix(".transcription")
    }
}

/// One Splunk HEC sink as the generated Splunk app must match it.
public struct SplunkSinkInput: Sendable, Equatable {
    /// The sink's name; names the HEC input stanza. Default `splunk`.
    public var name: String
    /// Target index. Default `ccas` (a sink without `index` uses the token's default index, which
    /// the generated token makes this one).
    public var index: String
    /// Default `ccas:auditlog`.
    public var sourcetype: String
    /// Fixed `source`, when the sink sets one. Default `nil` (`<platform>:<source_kind>`: `genesys:audit`, ...).
    public var source: String?
    /// Indexer acknowledgement on the token (`useACK`). Default `true`: the sink waits for acks.
    public var useACK: Bool
    /// Whether a Firehose stream's Splunk destination sends these events (the Firehose
    /// transformation Lambda writes their envelopes) rather than a ccrelay sink. Default `false`.
    public var viaFirehose: Bool

    public init(
        name: String = "splunk", index: String? = nil, sourcetype: String = "ccas:auditlog", source: String? = nil,
        useACK: Bool = true, viaFirehose: Bool = false
    ) {
        self.name = name
        self.index = index ?? "ccas"
        self.sourcetype = sourcetype
        self.source = source
        self.useACK = useACK
        self.viaFirehose = viaFirehose
    }
}

/// One Datadog Logs sink.
public struct DatadogSinkInput: Sendable, Equatable {
    /// Default `datadog`.
    public var name: String
    /// `service` of every entry. Default `ccrelay`.
    public var service: String
    /// `ddsource`, when configured; default `nil` (the platform: `genesys`, `cxone`).
    public var ddsource: String?

    public init(name: String = "datadog", service: String = "ccrelay", ddsource: String? = nil) {
        self.name = name
        self.service = service
        self.ddsource = ddsource
    }
}

/// One Sumo Logic sink.
public struct SumoSinkInput: Sendable, Equatable {
    /// Default `sumo`.
    public var name: String
    /// `X-Sumo-Category`. Default `ccrelay`.
    public var category: String

    public init(name: String = "sumo", category: String? = nil) {
        self.name = name
        self.category = category ?? "ccrelay"
    }
}

/// Where the backend's HTTP logs live, per SIEM (names are the user's, not ccrelay's schema).
public struct BackendLogs: Sendable, Equatable {
    /// Splunk index of the backend logs. Default `web`.
    public var splunkIndex: String
    /// Splunk field holding the HTTP status. Default `status`.
    public var splunkStatusField: String
    /// Datadog query selecting the backend logs. Default `service:backend`.
    public var datadogQuery: String
    /// Datadog attribute holding the HTTP status. Default `@http.status_code`.
    public var datadogStatusAttribute: String
    /// Sumo Logic scope of the backend logs. Default `_sourceCategory=backend`.
    public var sumoScope: String
    /// Sumo Logic field holding the HTTP status. Default `status_code`.
    public var sumoStatusField: String
    /// The status counted as a backend error. Default 500.
    public var errorStatus: Int

    public init(
        splunkIndex: String = "web", splunkStatusField: String = "status", datadogQuery: String = "service:backend",
        datadogStatusAttribute: String = "@http.status_code", sumoScope: String = "_sourceCategory=backend",
        sumoStatusField: String = "status_code", errorStatus: Int = 500
    ) {
        self.splunkIndex = splunkIndex
        self.splunkStatusField = splunkStatusField
        self.datadogQuery = datadogQuery
        self.datadogStatusAttribute = datadogStatusAttribute
        self.sumoScope = sumoScope
        self.sumoStatusField = sumoStatusField
        self.errorStatus = errorStatus
    }
}

/// Thresholds of the generated alerts.
public struct GeneratedAlertThresholds: Sendable, Equatable {
    /// Business hours, UTC, weekdays: start hour (inclusive). Default 8.
    public var businessStartHour: Int
    /// End hour (exclusive). Default 18.
    public var businessEndHour: Int
    /// Configuration changes by one actor within ``burstWindowSecs`` that alert. Default 20.
    public var burstThreshold: Int
    /// Default 600 s.
    public var burstWindowSecs: Int
    /// Delay between an event's time and its indexing that alerts; also the silence that alerts.
    /// Default 600 s (the `alerts.outbox_age_secs` default).
    public var lagThresholdSecs: Int
    /// An edge's average processor load (`attributes.cpu_pct`) above which the edge alert fires. Default 85 %.
    public var edgeCPUPct: Int
    /// An edge's physical memory in use (`attributes.memory_used_pct`) above which it fires. Default 85 %.
    public var edgeMemoryPct: Int

    public init(
        businessStartHour: Int = 8, businessEndHour: Int = 18, burstThreshold: Int = 20, burstWindowSecs: Int = 600,
        lagThresholdSecs: Int = 600, edgeCPUPct: Int = 85, edgeMemoryPct: Int = 85
    ) {
        self.businessStartHour = businessStartHour
        self.businessEndHour = businessEndHour
        self.burstThreshold = burstThreshold
        self.burstWindowSecs = burstWindowSecs
        self.lagThresholdSecs = lagThresholdSecs
        self.edgeCPUPct = edgeCPUPct
        self.edgeMemoryPct = edgeMemoryPct
    }
}

/// The Firehose stream in the CloudFormation template.
public struct FirehoseStreamConfiguration: Sendable, Equatable {
    /// ccrelay's Firehose receiver URL (HTTPS), the template parameter's default. Default
    /// `https://ccrelay.example.com/firehose` (the receiver's default path).
    public var endpointURL: String
    /// Buffering interval. Default 60 s.
    public var bufferingIntervalSecs: Int
    /// Buffering size. Default 1 MB.
    public var bufferingSizeMB: Int
    /// How long Firehose retries before the S3 backup. Default 3600 s (0–7200).
    public var retryDurationSecs: Int

    public init(
        endpointURL: String = "https://ccrelay.example.com/firehose", bufferingIntervalSecs: Int = 60,
        bufferingSizeMB: Int = 1, retryDurationSecs: Int = 3600
    ) {
        self.endpointURL = endpointURL
        self.bufferingIntervalSecs = bufferingIntervalSecs
        self.bufferingSizeMB = bufferingSizeMB
        self.retryDurationSecs = retryDurationSecs
    }
}

/// An alert target the generated OAuth-secret alert pages, by name: each SIEM's own notification
/// channel of that name carries the URL or key (a secret, never in generated content).
public struct PagingTarget: Sendable, Equatable {
    /// How the SIEM reaches it.
    public enum Kind: String, Sendable, Equatable {
        /// A generic webhook (Splunk webhook action, Datadog `@webhook-NAME`, Sumo webhook connection).
        case webhook
        /// PagerDuty (Splunk's PagerDuty app, Datadog `@pagerduty-NAME`, Sumo PagerDuty connection).
        case pagerduty
    }

    /// The target's name in ccrelay's `alerts.targets`; names the SIEM's channel.
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
