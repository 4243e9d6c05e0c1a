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
    /// Service names only the asynchronous query serves: listed after ``services`` by
    /// `GET /api/v2/audits/query/servicemapping`, absent from
    /// `GET /api/v2/audits/query/realtime/servicemapping`, and a 400 in a realtime query (as on
    /// the real platform, whose two lists differ). Default empty.
    public var asyncOnlyServices: [String]
    /// Delay between a generated record's `eventDate` and the moment queries can see it, drawn
    /// uniformly from this range. Default `0...20` s.
    public var latePersistence: ClosedRange<Duration>
    /// Every ``veryLateEvery``-th generated record (the 1st, the N+1-th, ...) becomes visible this
    /// long after its `eventDate` instead, beyond a pull source's look-back. Default 20 minutes.
    public var veryLatePersistence: Duration
    /// How often a generated record is persisted ``veryLatePersistence`` late; 0 never. Default 0.
    public var veryLateEvery: Int
    /// Largest `pageSize` a realtime query may ask for; larger is a 400. Default 500.
    public var maxPageSize: Int
    /// Seed of the deterministic record, token and correlation-id generators. Default 42.
    public var seed: UInt64
    /// Requests per token per one-minute window, reported in `inin-ratelimit-allowed`. Default 300.
    public var rateLimitPerMinute: Int
    /// Whether a token that exceeds ``rateLimitPerMinute`` in a window is answered 429 with
    /// `Retry-After` = the seconds left in the window. Default `true`, as the platform does; a test
    /// that needs a lenient org passes `false`.
    public var enforcesRateLimit: Bool
    /// How far back the realtime query serves; an interval starting earlier is a 400 `bad.request`.
    /// Default 14 days, as the platform; `nil` serves any interval.
    public var realtimeRetention: Duration?
    /// State polls (`GET /api/v2/audits/query/{id}`) an asynchronous query answers `Queued`/`Running`
    /// before it ends. Default 2.
    public var asyncQueryPolls: Int
    /// Least time on the injected clock between submitting an asynchronous query and its end. Default zero.
    public var asyncQueryDuration: Duration
    /// Audit records per service (every service of ``asyncServices``) the org holds when it is
    /// created, spread over the ``historySpan`` before that instant and visible at once, so a
    /// backfill, the asynchronous query's cursor and the realtime query's pages have real volume to
    /// page through. Deterministic for a ``seed``; made lazily, one day of one service at a time, as
    /// queries reach into it. Default 3000; 0 starts the org empty (what a test counting only the
    /// records it generates passes).
    public var historyPerService: Int
    /// How far back the seeded history reaches. Default 30 days.
    public var historySpan: Duration

    /// Every service the asynchronous query serves: ``services`` then ``asyncOnlyServices``.
    public var asyncServices: [String] { services + asyncOnlyServices.filter { !services.contains($0) } }

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
        asyncOnlyServices: [String] = [],
        latePersistence: ClosedRange<Duration> = .zero ... .seconds(20),
        veryLatePersistence: Duration = .seconds(1200),
        veryLateEvery: Int = 0,
        maxPageSize: Int = 500,
        seed: UInt64 = 42,
        rateLimitPerMinute: Int = 300,
        enforcesRateLimit: Bool = true,
        realtimeRetention: Duration? = .seconds(14 * 86_400),
        asyncQueryPolls: Int = 2,
        asyncQueryDuration: Duration = .zero,
        historyPerService: Int = 3000,
        historySpan: Duration = .seconds(30 * 86_400)
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.services = services
        self.asyncOnlyServices = asyncOnlyServices
        self.latePersistence = latePersistence
        self.veryLatePersistence = veryLatePersistence
        self.veryLateEvery = veryLateEvery
        self.maxPageSize = maxPageSize
        self.seed = seed
        self.rateLimitPerMinute = rateLimitPerMinute
        self.enforcesRateLimit = enforcesRateLimit
        self.realtimeRetention = realtimeRetention
        self.asyncQueryPolls = asyncQueryPolls
        self.asyncQueryDuration = asyncQueryDuration
        self.historyPerService = historyPerService
        self.historySpan = historySpan
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
    /// 429 responses of any cause: ``GenesysOrgEmulator/rateLimitNextRequests(_:retryAfterSeconds:)``,
    /// an exhausted per-minute budget or a daily limit.
    public var rateLimitedResponses = 0
    /// API requests answered while a daily limit or an earlier 429's `Retry-After` was still running:
    /// requests a well-behaved client does not send.
    public var requestsDuringRetryAfter = 0
    /// Asynchronous queries accepted (`POST /api/v2/audits/query`).
    public var asyncQueries = 0
    /// State polls of asynchronous queries.
    public var asyncStatePolls = 0
    /// Results pages of asynchronous queries served.
    public var asyncResultPages = 0
    /// Realtime queries that passed authentication and rate limiting (including 400s and injected
    /// malformed pages).
    public var realtimeQueries = 0
    /// 502/503/504 answers injected with ``GenesysOrgEmulator/failNextRequests(_:status:)``.
    public var transientFailures = 0

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
