import RelayCore

/// Configuration of a Datadog Logs sink (`type: datadog_logs`), writing to the v2 intake
/// (`POST /api/v2/logs`).
public struct DatadogLogsSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// The Datadog site whose intake receives the logs. Default `datadoghq.com` (US1).
    public var site: DatadogSite
    /// An explicit intake base URL (no path; `/api/v2/logs` is appended) that overrides `site`,
    /// for a proxy or the sandbox. Default none.
    public var endpoint: String?
    /// The API key, sent as `DD-API-KEY` (a secret: never logged), read at each request so a rotated
    /// key is used at once.
    public var apiKey: Credential
    /// `ddsource` of every log; `nil` uses the event's platform (`genesys`, `cxone`). Default nil.
    public var ddsource: String?
    /// `service` of every log. Default `ccrelay`.
    public var service: String
    /// `hostname` of every log; `nil` omits it. Default nil.
    public var hostname: String?
    /// Tags sent as `ddtags` (`k:v,k:v`, sorted by key). Default none.
    public var tags: [String: String]
    /// `status` of every log (Datadog's severity). Default `info`.
    public var status: String
    /// gzip request bodies. Default true.
    public var gzip: Bool
    /// Whole-request timeout. Default 30 s.
    public var requestTimeout: Duration
    /// Default 1000 events, 4,500,000 bytes (under the intake's 5 MB with the envelope), 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy
    /// How each event is written (`encoding`). Default ``EventEncoding/compact``.
    public var encoding: EventEncoding

    /// The intake's limits (PROTOCOLS.md, "Datadog Logs API v2").
    public enum Limits {
        /// Largest uncompressed request body: 5 MB.
        public static let requestBytes = 5_000_000
        /// Most logs in one request.
        public static let entriesPerRequest = 1000
        /// Largest single log: 1 MB; larger logs are trimmed by the sink.
        public static let logBytes = 1_000_000
    }

    /// A configuration; each parameter defaults as its property documents.
    public init(
        name: String,
        site: DatadogSite = .us1,
        endpoint: String? = nil,
        apiKey: some CredentialConvertible,
        ddsource: String? = nil,
        service: String = "ccrelay",
        hostname: String? = nil,
        tags: [String: String] = [:],
        status: String = "info",
        gzip: Bool = true,
        requestTimeout: Duration = .seconds(30),
        batch: BatchConfiguration = BatchConfiguration(maxEvents: 1000, maxBytes: 4_500_000),
        retry: RetryPolicy = RetryPolicy(),
        encoding: EventEncoding = .default
    ) {
        self.name = name
        self.site = site
        self.endpoint = endpoint
        self.apiKey = apiKey.credential
        self.ddsource = ddsource
        self.service = service
        self.hostname = hostname
        self.tags = tags
        self.status = status
        self.gzip = gzip
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.retry = retry
        self.encoding = encoding
    }

    /// The URL logs are posted to.
    public var intakeURL: String {
        var base = endpoint ?? site.intakeBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v2/logs"
    }

    /// `ddtags` as sent: `k:v` pairs sorted by key, comma-separated.
    public var ddtags: String {
        tags.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }
}
