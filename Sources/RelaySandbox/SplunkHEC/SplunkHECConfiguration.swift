import RelayCore

/// How the emulated HTTP Event Collector behaves. Every field has a default.
public struct SplunkHECConfiguration: Sendable {
    /// Known tokens and the indexes each may write to (an empty set allows any index).
    /// Default `["sandbox-hec-token": ["main", "ccas"]]`.
    public var tokens: [String: Set<String>]
    /// Index of events that name none. Default `"main"`.
    public var defaultIndex: String
    /// Tokens that exist but are disabled: answered 403 code 1. Default none.
    public var disabledTokens: Set<String>
    /// Whether `?token=` may carry the token; when false it is answered 400 code 16. Default false.
    public var queryStringAuthEnabled: Bool
    /// Tokens with indexer acknowledgement (`useACK`): their requests need a channel and get an
    /// `ackId`. Default `["sandbox-hec-ack-token"]`.
    public var ackTokens: Set<String>
    /// How long after indexing an ackId reads true (replication). Default 0.
    public var ackDelay: Duration

    /// The token without acknowledgement that the sandbox hands out by default.
    public static let defaultToken = "sandbox-hec-token"
    /// The token with acknowledgement that the sandbox hands out by default.
    public static let defaultAckToken = "sandbox-hec-ack-token"

    /// A collector configuration; each parameter defaults as its property documents.
    public init(
        tokens: [String: Set<String>] = [defaultToken: ["main", "ccas"], defaultAckToken: ["main", "ccas"]],
        defaultIndex: String = "main",
        disabledTokens: Set<String> = [],
        queryStringAuthEnabled: Bool = false,
        ackTokens: Set<String> = [defaultAckToken],
        ackDelay: Duration = .zero
    ) {
        self.tokens = tokens
        self.defaultIndex = defaultIndex
        self.disabledTokens = disabledTokens
        self.queryStringAuthEnabled = queryStringAuthEnabled
        self.ackTokens = ackTokens
        self.ackDelay = ackDelay
    }
}

/// One event as the emulated indexer stored it.
public struct HECIndexedEvent: Sendable, Equatable {
    /// The index written to (the event's `index`, else the configured default).
    public var index: String
    /// The envelope's `host`, when sent.
    public var host: String?
    /// The envelope's `source`, when sent.
    public var source: String?
    /// The envelope's `sourcetype`, when sent.
    public var sourcetype: String?
    /// `time` exactly as sent (epoch seconds, number or numeric string), when sent.
    public var time: JSONValue?
    /// Indexed fields (`fields`), empty when none were sent.
    public var fields: JSONObject
    /// The `event` payload as sent.
    public var event: JSONValue
    /// The request's `X-Splunk-Request-Channel` (or `?channel=`), when given.
    public var channel: String?

    /// The event as a Splunk search sees it with ccrelay's generated app installed: the compact
    /// encoding's short keys under their full names (the app's field aliases,
    /// ``CompactKeys/expanded(_:)``); other events as sent.
    public var searchEvent: JSONValue {
        guard case .object(let object) = event else { return event }
        return .object(CompactKeys.expanded(object))
    }

    /// An indexed event, for comparing with ``SplunkHECEmulator/events``.
    public init(
        index: String,
        host: String? = nil,
        source: String? = nil,
        sourcetype: String? = nil,
        time: JSONValue? = nil,
        fields: JSONObject = JSONObject(),
        event: JSONValue,
        channel: String? = nil
    ) {
        self.index = index
        self.host = host
        self.source = source
        self.sourcetype = sourcetype
        self.time = time
        self.fields = fields
        self.event = event
        self.channel = channel
    }
}

/// A failure the emulator serves in place of handling an event POST.
public enum HECFault: Sendable, Equatable {
    /// 503 code 9, "Server is busy".
    case busy
    /// 500 code 8, "Internal server error".
    case internalError
    /// 503 code 18, "HEC is unhealthy, queues are full".
    case unhealthy
    /// The TCP connection is closed without any response.
    case dropConnection
}

/// Counters of what the HEC emulator has served.
public struct HECStats: Sendable, Equatable {
    /// Every HTTP request received, health checks included.
    public var requests = 0
    /// Event POSTs whose every event was indexed.
    public var acceptedBatches = 0
    /// Event POSTs refused (authentication, empty body, invalid data); injected faults excluded.
    public var rejectedBatches = 0
    /// Refused event POSTs whose events before the invalid one were indexed (also counted in
    /// ``rejectedBatches``).
    public var partiallyIndexedBatches = 0
    /// Event POSTs answered with an injected ``HECFault``.
    public var faultsServed = 0
    /// Acknowledgement queries (`/services/collector/ack`) answered.
    public var ackQueries = 0
    /// ackIds issued.
    public var acksIssued = 0

    /// All counters zero.
    public init() {}
}
