import RelayCore

/// Configuration of a Sumo Logic HTTP source sink (`type: sumo_logic`).
public struct SumoLogicSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// The HTTP source URL, `https://{endpoint}/receiver/v1/http/{code}`. The URL is the
    /// credential: it is never logged, and error messages show it with the code redacted. Read at
    /// each request, so a rotated URL is used at once.
    public var url: Credential
    /// `X-Sumo-Category`; `nil` keeps the source's own. Default nil.
    public var category: String?
    /// `X-Sumo-Name` (source name); `nil` keeps the source's own. Default nil.
    public var sourceName: String?
    /// `X-Sumo-Host`; `nil` keeps the source's own. Default nil.
    public var sourceHost: String?
    /// `X-Sumo-Fields` (`k=v,k=v`, sorted by key); empty sends no header. Default none.
    public var fields: [String: String]
    /// gzip request bodies. Default true.
    public var gzip: Bool
    /// Whole-request timeout. Default 30 s.
    public var requestTimeout: Duration
    /// Default 1000 events, 1,000,000 bytes (Sumo's 1 MB uncompressed per request), 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy
    /// How each event is written (`encoding`). Default ``EventEncoding/compact``.
    public var encoding: EventEncoding

    /// Largest uncompressed request body Sumo Logic recommends: 1 MB.
    public static let maxRequestBytes = 1_000_000

    /// A configuration; each parameter defaults as its property documents.
    public init(
        name: String,
        url: some CredentialConvertible,
        category: String? = nil,
        sourceName: String? = nil,
        sourceHost: String? = nil,
        fields: [String: String] = [:],
        gzip: Bool = true,
        requestTimeout: Duration = .seconds(30),
        batch: BatchConfiguration = BatchConfiguration(maxEvents: 1000, maxBytes: 1_000_000),
        retry: RetryPolicy = RetryPolicy(),
        encoding: EventEncoding = .default
    ) {
        self.name = name
        self.url = url.credential
        self.category = category
        self.sourceName = sourceName
        self.sourceHost = sourceHost
        self.fields = fields
        self.gzip = gzip
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.retry = retry
        self.encoding = encoding
    }

    /// `X-Sumo-Fields` as sent.
    public var fieldsHeader: String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// The source URL with its secret part (everything after `/receiver/v1/http/`, or the whole
    /// path when the URL has another shape) replaced by `[redacted]`: safe for messages.
    public static func redacted(_ url: String) -> String {
        let target = HTTPTargetParts(url)
        return target.origin + "/[redacted]"
    }
}

/// Scheme and authority of a URL, without user info, path or query.
struct HTTPTargetParts {
    let origin: String

    init(_ url: String) {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[1].isEmpty else {
            origin = "(url)"
            return
        }
        var authority = parts[2]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let query = authority.firstIndex(of: "?") { authority = authority[..<query] }
        origin = "\(parts[0])//\(authority)"
    }
}
