import RelayCore

/// How the emulated OTLP/HTTP collector behaves. Every field has a default.
public struct OTLPCollectorConfiguration: Sendable {
    /// The header that carries the API key (as Honeycomb's `x-honeycomb-team`); `nil` takes
    /// requests without one. Default `x-honeycomb-team`.
    public var apiKeyHeader: String?
    /// API keys accepted in ``apiKeyHeader``. Default `["sandbox-otlp-key"]`.
    public var apiKeys: Set<String>
    /// Largest request body, before or after inflating; larger is answered 413. Default 20 MiB
    /// (the OpenTelemetry Collector's `max_request_body_size`).
    public var maxRequestBytes: Int

    /// The API key the sandbox hands out by default.
    public static let defaultAPIKey = "sandbox-otlp-key"

    /// A collector configuration; each parameter defaults as its property documents.
    public init(
        apiKeyHeader: String? = "x-honeycomb-team",
        apiKeys: Set<String> = [defaultAPIKey],
        maxRequestBytes: Int = 20 * 1024 * 1024
    ) {
        self.apiKeyHeader = apiKeyHeader
        self.apiKeys = apiKeys
        self.maxRequestBytes = maxRequestBytes
    }
}

/// One log record as the emulated collector stored it, with the resource and scope it came under.
public struct OTLPStoredLogRecord: Sendable, Equatable {
    /// The resource's attributes: key → `AnyValue` as received.
    public var resourceAttributes: [String: JSONValue]
    /// The instrumentation scope's name, when given.
    public var scopeName: String?
    /// The `LogRecord` object as received.
    public var record: JSONObject

    /// A stored record.
    public init(resourceAttributes: [String: JSONValue], scopeName: String?, record: JSONObject) {
        self.resourceAttributes = resourceAttributes
        self.scopeName = scopeName
        self.record = record
    }

    /// The record's attribute `key` as its `AnyValue` object (`{"stringValue": ...}`).
    public func attribute(_ key: String) -> JSONValue? {
        record["attributes"]?.arrayValue?.first { $0["key"]?.stringValue == key }?["value"]
    }

    /// `event.id` of a ccrelay record, when present.
    public var eventID: String? { attribute("event.id")?["stringValue"]?.stringValue }
}

/// A failure the collector serves in place of handling a logs POST.
public enum OTLPCollectorFault: Sendable, Equatable {
    /// 429 with `Retry-After` in seconds.
    case tooManyRequests(retryAfterSeconds: Int)
    /// 503 with `Retry-After` in seconds.
    case unavailable(retryAfterSeconds: Int)
    /// 400 with a `Status` body, as for a request the collector cannot decode.
    case badRequest
    /// The TCP connection is closed without any response.
    case dropConnection
    /// No fault: the request is handled normally (scripts a fault for a later request).
    case pass
}

/// Counters of what the collector has served.
public struct OTLPCollectorStats: Sendable, Equatable {
    /// Every HTTP request received on `/v1/logs`.
    public var requests = 0
    /// Requests answered 200 (with or without a partial success).
    public var acceptedRequests = 0
    /// Requests refused (credential, size, content type, shape); injected faults excluded.
    public var rejectedRequests = 0
    /// Requests answered with an injected ``OTLPCollectorFault``.
    public var faultsServed = 0
    /// Records dropped and reported in `partialSuccess.rejectedLogRecords`.
    public var partiallyRejected = 0

    /// All counters zero.
    public init() {}
}
