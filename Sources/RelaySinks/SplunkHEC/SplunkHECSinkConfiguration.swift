import RelayCore

/// Configuration of a Splunk HTTP Event Collector sink (`type: splunk_hec`).
public struct SplunkHECSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// Base URLs of the collectors (indexers or load balancers), e.g. `https://splunk.example.com:8088`
    /// (no path). Requests go round-robin; an endpoint that fails is skipped for a cool-down.
    public var endpoints: [String]
    /// The HEC token (a secret: never logged), read at each request so a rotated token is used at once.
    public var token: Credential
    /// Target index; `nil` uses the token's default index.
    public var index: String?
    /// Default `ccas:auditlog`.
    public var sourcetype: String
    /// `source` field; `nil` means `<platform>:<source_kind>` per event (`genesys:audit`, `cxone:audit`).
    public var source: String?
    /// `host` field; `nil` leaves it to Splunk (the sender's address).
    public var host: String?
    /// gzip request bodies. Default true.
    public var gzip: Bool
    /// Whole-request timeout. Default 30 s.
    public var requestTimeout: Duration
    /// Default 500 events, 1 MiB, 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy
    /// Indexer acknowledgement, used whenever the token has it (HEC answers with an `ackId`).
    /// Default: poll every 10 s, resend after 300 s, at most 64 batches pending.
    public var acknowledgement: AcknowledgementConfiguration
    /// How long a failed endpoint is skipped before it is tried again. Default 30 s.
    public var endpointCooldown: Duration
    /// How each event is written (`encoding`). Default ``EventEncoding/compact``.
    public var encoding: EventEncoding

    public init(
        name: String,
        endpoints: [String],
        token: some CredentialConvertible,
        index: String? = nil,
        sourcetype: String = "ccas:auditlog",
        source: String? = nil,
        host: String? = nil,
        gzip: Bool = true,
        requestTimeout: Duration = .seconds(30),
        batch: BatchConfiguration = BatchConfiguration(),
        retry: RetryPolicy = RetryPolicy(),
        acknowledgement: AcknowledgementConfiguration = AcknowledgementConfiguration(),
        endpointCooldown: Duration = .seconds(30),
        encoding: EventEncoding = .default
    ) {
        self.name = name
        self.endpoints = endpoints
        self.acknowledgement = acknowledgement
        self.endpointCooldown = endpointCooldown
        self.token = token.credential
        self.index = index
        self.sourcetype = sourcetype
        self.source = source
        self.host = host
        self.gzip = gzip
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.retry = retry
        self.encoding = encoding
    }
}
