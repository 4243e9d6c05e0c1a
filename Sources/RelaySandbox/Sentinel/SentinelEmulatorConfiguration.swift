import RelayCore

/// How the emulated Entra ID tenant and Logs Ingestion API behave. Every field has a default.
public struct SentinelEmulatorConfiguration: Sendable {
    /// The tenant id in the token URL. Default `sandbox-tenant`.
    public var tenantID: String
    /// The app registration's client id. Default `sandbox-client`.
    public var clientID: String
    /// Client secrets accepted for `clientID`. Default `["sandbox-client-secret"]`.
    public var clientSecrets: Set<String>
    /// The only scope tokens are granted for. Default `https://monitor.azure.com//.default`.
    public var scope: String
    /// `expires_in` of issued tokens. Default 3599 s, as Entra ID grants.
    public var tokenLifetime: Duration
    /// The DCR immutable id rows may be posted to. Default `dcr-00000000000000000000000000000000`.
    public var dcrImmutableID: String
    /// The streams the DCR declares. Default `["Custom-CCRelay"]`, the generated DCR's input stream.
    public var streams: Set<String>
    /// Largest request body, compressed or not; larger is answered 413. Default 1,000,000.
    public var maxRequestBytes: Int

    /// A configuration; each parameter defaults as its property documents.
    public init(
        tenantID: String = "sandbox-tenant",
        clientID: String = "sandbox-client",
        clientSecrets: Set<String> = ["sandbox-client-secret"],
        scope: String = "https://monitor.azure.com//.default",
        tokenLifetime: Duration = .seconds(3599),
        dcrImmutableID: String = "dcr-00000000000000000000000000000000",
        streams: Set<String> = ["Custom-CCRelay"],
        maxRequestBytes: Int = 1_000_000
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecrets = clientSecrets
        self.scope = scope
        self.tokenLifetime = tokenLifetime
        self.dcrImmutableID = dcrImmutableID
        self.streams = streams
        self.maxRequestBytes = maxRequestBytes
    }
}

/// A failure the ingestion endpoint serves in place of handling a POST.
public enum SentinelFault: Sendable, Equatable {
    /// 429 with `Retry-After` in seconds, as when the DCR's ingestion rate is exceeded.
    case tooManyRequests(retryAfterSeconds: Int)
    /// 503.
    case unavailable
    /// 500.
    case internalError
    /// Every issued token is forgotten before the request is handled, as after a signing-key
    /// rollover: this request is answered 401 and the client must fetch a new token.
    case rotateTokens
    /// No fault: the request is handled normally (scripts a fault for a later request).
    case pass
}

/// Counters of what the emulator has served.
public struct SentinelEmulatorStats: Sendable, Equatable {
    /// Tokens issued.
    public var tokensIssued = 0
    /// Token requests refused.
    public var tokensRefused = 0
    /// Ingestion requests received.
    public var requests = 0
    /// Ingestion requests answered 204.
    public var acceptedRequests = 0
    /// Ingestion requests refused (token, path, size, payload); injected faults excluded.
    public var rejectedRequests = 0
    /// Ingestion requests answered 401 for a missing, unknown, expired or rotated token.
    public var unauthorized = 0
    /// Ingestion requests answered with an injected ``SentinelFault``.
    public var faultsServed = 0

    /// All counters zero.
    public init() {}
}
