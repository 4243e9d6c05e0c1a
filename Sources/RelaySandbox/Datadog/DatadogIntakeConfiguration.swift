import RelayCore

/// How the emulated Datadog logs intake behaves. Every field has a default.
public struct DatadogIntakeConfiguration: Sendable {
    /// API keys accepted in `DD-API-KEY`. Default `["sandbox-dd-api-key"]`.
    public var apiKeys: Set<String>
    /// Largest uncompressed request body; larger is answered 413. Default 5,000,000.
    public var maxRequestBytes: Int
    /// Most logs in one request; more is answered 400. Default 1000.
    public var maxEntries: Int
    /// Largest log; a larger one is stored truncated and the request still succeeds. Default 1,000,000.
    public var maxLogBytes: Int
    /// Logs whose time is older than this (against the emulator's clock) are dropped silently. Default 18 h.
    public var maxAge: Duration
    /// Logs whose time is further ahead than this are dropped silently. Default 2 h.
    public var maxLead: Duration

    /// The API key the sandbox hands out by default.
    public static let defaultAPIKey = "sandbox-dd-api-key"

    /// An intake configuration; each parameter defaults as its property documents.
    public init(
        apiKeys: Set<String> = [defaultAPIKey],
        maxRequestBytes: Int = 5_000_000,
        maxEntries: Int = 1000,
        maxLogBytes: Int = 1_000_000,
        maxAge: Duration = .seconds(18 * 3600),
        maxLead: Duration = .seconds(2 * 3600)
    ) {
        self.apiKeys = apiKeys
        self.maxRequestBytes = maxRequestBytes
        self.maxEntries = maxEntries
        self.maxLogBytes = maxLogBytes
        self.maxAge = maxAge
        self.maxLead = maxLead
    }
}

/// One log as the emulated intake stored it.
public struct DatadogStoredLog: Sendable, Equatable {
    /// The log's members as received (for a truncated log: only the reserved attributes, the
    /// `message` cut, plus `event_id` when it had one).
    public var fields: JSONObject
    /// True when the log exceeded the per-log limit and was truncated.
    public var truncated: Bool
    /// Size of the log as received, in bytes of compact JSON.
    public var receivedBytes: Int

    /// A stored log.
    public init(fields: JSONObject, truncated: Bool = false, receivedBytes: Int = 0) {
        self.fields = fields
        self.truncated = truncated
        self.receivedBytes = receivedBytes
    }

    /// `event_id` of a ccrelay log, when present.
    public var eventID: String? { fields["event_id"]?.stringValue }
    /// A string member.
    public subscript(key: String) -> String? { fields[key]?.stringValue }
}

/// A failure the intake serves in place of handling a logs POST.
public enum DatadogFault: Sendable, Equatable {
    /// 429 with `Retry-After` in seconds.
    case tooManyRequests(retryAfterSeconds: Int)
    /// 500.
    case internalError
    /// 503.
    case unavailable
    /// 400 with Datadog's error body, as for a malformed request.
    case badRequest
    /// 408, as when the intake timed out reading the request; Datadog documents it as retriable.
    case requestTimeout
    /// 413 with Datadog's error body, as for a request above the intake's size limit.
    case payloadTooLarge
    /// The TCP connection is closed without any response.
    case dropConnection
    /// No fault: the request is handled normally. Scripts a fault for a later request, e.g. the
    /// second request of a batch split in several.
    case pass
}

/// Counters of what the Datadog intake has served.
public struct DatadogIntakeStats: Sendable, Equatable {
    /// Every HTTP request received.
    public var requests = 0
    /// Requests answered 202.
    public var acceptedRequests = 0
    /// Requests refused (API key, size, format); injected faults excluded.
    public var rejectedRequests = 0
    /// Requests answered with an injected ``DatadogFault``.
    public var faultsServed = 0
    /// Logs accepted with 202 but dropped for their age, as Datadog does.
    public var droppedForAge = 0
    /// Logs stored truncated.
    public var truncated = 0

    /// All counters zero.
    public init() {}
}
