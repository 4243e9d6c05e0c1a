import RelayCore

/// How the sink authenticates to Elasticsearch or OpenSearch.
public enum ElasticsearchAuth: Sendable, Equatable {
    /// `Authorization: ApiKey {value}`, the encoded API key Elasticsearch hands out.
    case apiKey(Credential)
    /// `Authorization: Basic base64(username:password)`.
    case basic(username: String, password: Credential)

    /// The secret part, re-read when the cluster rejects it.
    public var secret: Credential {
        switch self {
        case .apiKey(let key): key
        case .basic(_, let password): password
        }
    }

    /// The `Authorization` header value for the secret's current value `secret`.
    func header(secret: String) -> String {
        switch self {
        case .apiKey: "ApiKey \(secret)"
        case .basic(let username, _): "Basic " + Base64.encode(Array("\(username):\(secret)".utf8))
        }
    }
}

/// Configuration of an Elasticsearch / OpenSearch `_bulk` sink (`type: elasticsearch`).
public struct ElasticsearchSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// The cluster's base URL (`https://host:9200`); the sink posts to `{endpoint}/_bulk`.
    public var endpoint: String
    /// The data stream or index the events are created in. Default `logs-ccrelay-default`.
    public var index: String
    /// API key or basic credentials.
    public var auth: ElasticsearchAuth
    /// gzip request bodies (`Content-Encoding: gzip`). Default true.
    public var gzip: Bool
    /// Whole-request timeout. Default 30 s.
    public var requestTimeout: Duration
    /// Default 1000 events, 5,000,000 bytes, 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy
    /// How each event is written (`encoding`). Default ``EventEncoding/compact``.
    public var encoding: EventEncoding

    /// The index used when the config names none.
    public static let defaultIndex = "logs-ccrelay-default"
    /// Largest uncompressed `_bulk` body sent in one request: 10 MB (Elastic recommends bulk
    /// requests of a few MB; `http.max_content_length` defaults to 100 MB).
    public static let maxRequestBytes = 10_000_000

    /// A configuration; each parameter defaults as its property documents.
    public init(
        name: String,
        endpoint: String,
        index: String = defaultIndex,
        auth: ElasticsearchAuth,
        gzip: Bool = true,
        requestTimeout: Duration = .seconds(30),
        batch: BatchConfiguration = BatchConfiguration(maxEvents: 1000, maxBytes: 5_000_000),
        retry: RetryPolicy = RetryPolicy(),
        encoding: EventEncoding = .default
    ) {
        self.name = name
        self.endpoint = endpoint
        self.index = index
        self.auth = auth
        self.gzip = gzip
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.retry = retry
        self.encoding = encoding
    }

    /// `{endpoint}/_bulk`, without a doubled slash.
    public var bulkURL: String {
        (endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint) + "/_bulk"
    }
}
