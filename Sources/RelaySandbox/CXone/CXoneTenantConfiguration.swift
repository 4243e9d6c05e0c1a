/// The admin entity kinds of a CXone tenant that keep an `audit-history`, by URL path segment.
public enum CXoneSandboxEntityKind: String, Sendable, CaseIterable, Hashable {
    case campaigns
    case dispositions
    case scriptSchedules = "script-schedules"
    case stationProfiles = "station-profiles"
    case stations
    case unavailableCodes = "unavailable-codes"
}

/// How the emulated tenant writes dates in audit and login history.
public enum CXoneDateStyle: Sendable, Equatable {
    /// Local time of the given UTC offset without any offset suffix (`2026-01-01T09:30:00.123`),
    /// as much of CXone's admin API does.
    case noOffset(offsetSeconds: Int)
    /// UTC with `Z`.
    case utc
    /// Local time with its offset (`2026-01-01T15:00:00.123+05:30`).
    case withOffset(offsetSeconds: Int)
}

/// How the emulated CXone tenant behaves. Every field has a default.
public struct CXoneTenantConfiguration: Sendable {
    /// The tenant id discovery answers for. Default `"4f7a2d1c-8b3e-4a5f-9c6d-2e1f0a9b8c7d"`.
    public var tenantID: String
    /// The accepted access key id (`username` of the password grant). Default `"sandbox-access-key"`.
    public var accessKeyID: String
    /// Its secret (`password`). Default `"sandbox-access-secret"`.
    public var accessKeySecret: String
    /// The registered application's client id. Default `"sandbox-cxone-client"`.
    public var clientID: String
    /// Its client secret. Default `"sandbox-cxone-secret"`.
    public var clientSecret: String
    /// `expires_in` of issued tokens, measured on the injected clock. Default 3600 s.
    public var tokenLifetime: Duration
    /// How history dates are written. Default `.noOffset(offsetSeconds: 0)` (UTC without `Z`).
    public var dateStyle: CXoneDateStyle
    /// Largest `top` a request may ask for; larger is a 400. Default 1000.
    public var maxTop: Int
    /// The tenant's business unit id (`businessUnitId` of every response). Default 4600123.
    public var businessUnitID: Int
    /// Seed of the deterministic generators. Default 7.
    public var seed: UInt64

    /// A tenant configuration; each parameter defaults as its property documents.
    public init(
        tenantID: String = "4f7a2d1c-8b3e-4a5f-9c6d-2e1f0a9b8c7d",
        accessKeyID: String = "sandbox-access-key",
        accessKeySecret: String = "sandbox-access-secret",
        clientID: String = "sandbox-cxone-client",
        clientSecret: String = "sandbox-cxone-secret",
        tokenLifetime: Duration = .seconds(3600),
        dateStyle: CXoneDateStyle = .noOffset(offsetSeconds: 0),
        maxTop: Int = 1000,
        businessUnitID: Int = 4_600_123,
        seed: UInt64 = 7
    ) {
        self.tenantID = tenantID
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.dateStyle = dateStyle
        self.maxTop = maxTop
        self.businessUnitID = businessUnitID
        self.seed = seed
    }
}

/// Counters of what the CXone tenant emulator has served.
public struct CXoneTenantStats: Sendable, Equatable {
    /// Every `POST /auth/token`, successful or not.
    public var tokenRequests = 0
    /// Every discovery request.
    public var discoveryRequests = 0
    /// Every request to an `/inContactAPI/...` route, whatever its outcome.
    public var apiRequests = 0
    /// Entity and agent list requests that passed authentication and rate limiting.
    public var listRequests = 0
    /// `audit-history` requests that passed authentication and rate limiting.
    public var auditHistoryRequests = 0
    /// `login-history` requests that passed authentication and rate limiting.
    public var loginHistoryRequests = 0
    /// 401 answers to API requests.
    public var unauthorizedResponses = 0
    /// 429 answers served because of ``CXoneTenantEmulator/rateLimitNextRequests(_:retryAfterSeconds:)``.
    public var rateLimitedResponses = 0
    /// 5xx answers served because of ``CXoneTenantEmulator/failNextRequests(_:status:)``.
    public var transientFailureResponses = 0
    /// 404 answers for deleted or unknown entities.
    public var notFoundResponses = 0

    /// All counters zero.
    public init() {}
}

/// An audit-history entry the emulator recorded.
public struct CXoneSandboxChange: Sendable, Equatable {
    public var kind: CXoneSandboxEntityKind
    public var entityID: Int
    /// `auditHistoryId`/`auditHistoryID`; `nil` for script schedules, which document none.
    public var auditHistoryID: Int?
    public var columnName: String
    public var oldValue: String
    public var newValue: String
    /// The date as the tenant writes it.
    public var date: String
}

/// An agent login the emulator recorded.
public struct CXoneSandboxLogin: Sendable, Equatable {
    public var agentID: Int
    public var stationID: Int
    /// The login date as the tenant writes it.
    public var loginDate: String
}
