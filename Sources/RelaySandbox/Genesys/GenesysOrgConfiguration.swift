/// How the emulated Genesys Cloud org behaves. Every field has a default.
public struct GenesysOrgConfiguration: Sendable {
    /// The one OAuth client accepted by `/oauth/token`. Default `"sandbox-client"`.
    public var clientID: String
    /// That client's secret. Default `"sandbox-secret"`.
    public var clientSecret: String
    /// Lifetime of issued tokens (`expires_in`), measured on the injected clock. Default 24 h.
    public var tokenLifetime: Duration
    /// Service names the org knows (the service mapping; anything else is a 400 in queries).
    /// Default `["Routing", "Directory", "Authorization", "OAuth", "Presence", "Architect", "Telephony"]`.
    public var services: [String]
    /// Delay between a generated record's `eventDate` and the moment queries can see it, drawn
    /// uniformly from this range. Default `0...20` s.
    public var latePersistence: ClosedRange<Duration>
    /// Largest `pageSize` a realtime query may ask for; larger is a 400. Default 500.
    public var maxPageSize: Int
    /// Seed of the deterministic record, token and correlation-id generators. Default 42.
    public var seed: UInt64

    /// The services a default org reports.
    public static let defaultServices = [
        "Routing", "Directory", "Authorization", "OAuth", "Presence", "Architect", "Telephony",
    ]

    /// An org configuration; each parameter defaults as its property documents.
    public init(
        clientID: String = "sandbox-client",
        clientSecret: String = "sandbox-secret",
        tokenLifetime: Duration = .seconds(86_400),
        services: [String] = GenesysOrgConfiguration.defaultServices,
        latePersistence: ClosedRange<Duration> = .zero ... .seconds(20),
        maxPageSize: Int = 500,
        seed: UInt64 = 42
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.services = services
        self.latePersistence = latePersistence
        self.maxPageSize = maxPageSize
        self.seed = seed
    }
}

/// Counters of what the Genesys org emulator has served.
public struct GenesysOrgStats: Sendable, Equatable {
    /// Every `POST /oauth/token`, successful or not.
    public var tokenRequests = 0
    /// Every request to an `/api/v2/...` route, whatever its outcome.
    public var apiRequests = 0
    /// 401 responses of any route (bad client credentials on `/oauth/token` and bad bearer tokens).
    public var unauthorizedResponses = 0
    /// 429 responses served because of ``GenesysOrgEmulator/rateLimitNextRequests(_:retryAfterSeconds:)``.
    public var rateLimitedResponses = 0
    /// Realtime queries that passed authentication and rate limiting (including 400s and injected
    /// malformed pages).
    public var realtimeQueries = 0

    /// All counters zero.
    public init() {}
}

/// A broken page the emulator can serve in place of a realtime query result.
public enum MalformedPage: Sendable {
    /// 200 with a truncated JSON body that does not parse.
    case invalidJSON
    /// 200 with a well-formed object lacking `"entities"`.
    case missingEntities
}
