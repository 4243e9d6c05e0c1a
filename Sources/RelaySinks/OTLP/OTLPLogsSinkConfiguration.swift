import RelayCore

/// Configuration of an OpenTelemetry logs sink (`type: otlp`): OTLP/HTTP with the JSON encoding,
/// `POST {endpoint}/v1/logs` (docs/protocols.md, "OpenTelemetry OTLP/HTTP").
public struct OTLPLogsSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// The collector's base URL (`http://collector:4318`); `/v1/logs` is appended unless the URL
    /// already ends with it. Required.
    public var endpoint: String
    /// Extra request headers (`x-honeycomb-team`, `authorization`, `x-scope-orgid`), each value
    /// read at every request so a rotated secret is used at once. Default none.
    public var headers: [String: Credential]
    /// `service.name` of the resource every record belongs to. Default `ccrelay`.
    public var serviceName: String
    /// gzip request bodies (`Content-Encoding: gzip`, which every OTLP/HTTP server accepts). Default true.
    public var gzip: Bool
    /// Whole-request timeout. Default 30 s.
    public var requestTimeout: Duration
    /// Default 1000 events, 4,000,000 bytes, 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy

    /// A configuration; each parameter defaults as its property documents.
    public init(
        name: String,
        endpoint: String,
        headers: [String: Credential] = [:],
        serviceName: String = "ccrelay",
        gzip: Bool = true,
        requestTimeout: Duration = .seconds(30),
        batch: BatchConfiguration = BatchConfiguration(maxEvents: 1000, maxBytes: 4_000_000),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.name = name
        self.endpoint = endpoint
        self.headers = headers
        self.serviceName = serviceName
        self.gzip = gzip
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.retry = retry
    }

    /// The URL log records are posted to: the endpoint with `/v1/logs` appended when it lacks it.
    public var logsURL: String {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v1/logs") ? base : base + "/v1/logs"
    }

    /// Headers the sink sets itself; the `headers` map may not name them.
    static let reservedHeaders: Set<String> = ["content-type", "content-encoding", "content-length", "host"]

    /// Pure checks of the values, as `key: message`.
    public func problems() -> [String] {
        var problems: [String] = []
        for name in headers.keys.sorted() {
            if Self.reservedHeaders.contains(name.lowercased()) {
                problems.append("headers.\(name): set by the sink itself; remove it")
            } else if name.isEmpty || !name.utf8.allSatisfy(Self.isTokenByte) {
                problems.append("headers.\(name): not a valid HTTP header name")
            }
        }
        if serviceName.isEmpty { problems.append("service_name: may not be empty") }
        return problems
    }

    /// RFC 9110 `tchar`: the bytes a header name may hold.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
