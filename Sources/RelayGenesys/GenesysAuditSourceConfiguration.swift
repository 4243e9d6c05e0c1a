import RelayCore

/// Settings of a ``GenesysAuditSource``. Every field has a default; ``validate()`` checks them
/// without I/O. `description` and reflection never show the client secret.
public struct GenesysAuditSourceConfiguration: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The source's name, unique in a configuration; also the `ccrelay.source` log metadata.
    /// Default `"genesys_audit"`.
    public var name: String
    /// The Genesys Cloud region, used when ``baseURL`` is `nil`. Default ``GenesysRegion/usEast1``
    /// (`mypurecloud.com`).
    public var region: GenesysRegion
    /// One base URL for both `/oauth/token` and `/api/v2/...` (a gateway or the sandbox emulator);
    /// overrides ``region``. Default `nil`.
    public var baseURL: String?
    /// The OAuth client id (client credentials grant, permission `audits:audit:view`). Default `""`.
    public var clientID: String
    /// The OAuth client secret; never logged nor shown, read at each token request so a rotated
    /// secret is used at once. Default `""`.
    public var clientSecret: Credential
    /// The audit service names to pull, one partition each. `nil` asks
    /// `GET /api/v2/audits/query/servicemapping` every cycle. Default `nil`.
    public var services: [String]?
    /// Filters sent with every audit query (realtime and asynchronous), ANDed by the platform, so
    /// only matching records are read. Default `[]` (every record of the services).
    public var filters: [GenesysAuditFilter]
    /// Time between the start of two cycles. Default 60 s.
    public var pollInterval: Duration
    /// Overlap re-read before the watermark every cycle, so records the platform persists late are
    /// still seen (the dedup ledger drops what is read twice). Default 5 minutes.
    public var lookback: Duration
    /// Time between two late-record sweeps of a service: a re-read of the ``lateSweepWindow`` behind
    /// the look-back edge, for records the platform persisted later than ``lookback``. `.zero`
    /// disables the sweep. Default 10 minutes.
    public var lateSweepInterval: Duration
    /// How far back before now a late-record sweep reads (capped at the realtime retention).
    /// Default 6 hours.
    public var lateSweepWindow: Duration
    /// Where a partition without a checkpoint starts: this long before now. Default 24 hours.
    public var initialLookback: Duration
    /// Records per page of the realtime query, 1...500. Default 100.
    public var pageSize: Int
    /// Ask for user names (`expand=user`), which become `actor_name`. Default `true`.
    public var expandUser: Bool
    /// Keep the platform's original record in the event's `raw`. Default `false`.
    public var keepRaw: Bool
    /// How far back the realtime query serves records; a partition whose query window starts
    /// earlier reads the older part through the asynchronous query first. Default 14 days.
    public var realtimeRetention: Duration

    /// The largest page the realtime query serves.
    public static let maximumPageSize = 500

    public init(
        name: String = "genesys_audit",
        region: GenesysRegion = .usEast1,
        baseURL: String? = nil,
        clientID: String = "",
        clientSecret: some CredentialConvertible = "",
        services: [String]? = nil,
        filters: [GenesysAuditFilter] = [],
        pollInterval: Duration = .seconds(60),
        lookback: Duration = .seconds(300),
        lateSweepInterval: Duration = .seconds(600),
        lateSweepWindow: Duration = .seconds(6 * 3600),
        initialLookback: Duration = .seconds(86_400),
        pageSize: Int = 100,
        expandUser: Bool = true,
        keepRaw: Bool = false,
        realtimeRetention: Duration = .seconds(14 * 86_400)
    ) {
        self.name = name
        self.region = region
        self.baseURL = baseURL
        self.clientID = clientID
        self.clientSecret = clientSecret.credential
        self.services = services
        self.filters = filters
        self.pollInterval = pollInterval
        self.lookback = lookback
        self.lateSweepInterval = lateSweepInterval
        self.lateSweepWindow = lateSweepWindow
        self.initialLookback = initialLookback
        self.pageSize = pageSize
        self.expandUser = expandUser
        self.keepRaw = keepRaw
        self.realtimeRetention = realtimeRetention
    }

    /// Where requests go: ``baseURL`` when set, else the region's public hosts.
    public var endpoints: GenesysEndpoints {
        if let baseURL { return GenesysEndpoints(baseURL: baseURL) }
        return GenesysEndpoints(region: region)
    }

    /// Every problem with the settings, each naming its field; empty when they are usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if name.isEmpty { problems.append("name: must not be empty") }
        if clientID.isEmpty { problems.append("client_id: must not be empty") }
        if clientSecret.isEmpty { problems.append("client_secret: must not be empty") }
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            problems.append("base_url: must start with http:// or https://")
        }
        if let services {
            if services.isEmpty { problems.append("services: must list at least one service, or be omitted") }
            if services.contains(where: \.isEmpty) { problems.append("services: service names must not be empty") }
        }
        for (index, filter) in filters.enumerated() {
            problems += filter.problems().map { "filters[\(index)].\($0)" }
        }
        if pollInterval <= .zero { problems.append("poll_interval_secs: must be positive") }
        if lookback < .zero { problems.append("lookback_secs: must not be negative") }
        if lateSweepInterval < .zero { problems.append("late_sweep_interval_secs: must not be negative") }
        if lateSweepInterval > .zero, lateSweepWindow <= lookback {
            problems.append("late_sweep_window_secs: must be longer than lookback_secs")
        }
        if initialLookback < .zero { problems.append("initial_lookback_secs: must not be negative") }
        if realtimeRetention < .seconds(7200) {
            problems.append("realtime_retention_secs: must be at least 7200")
        }
        if !(1...Self.maximumPageSize).contains(pageSize) {
            problems.append("page_size: must be between 1 and \(Self.maximumPageSize)")
        }
        return problems
    }

    /// Checks the settings without I/O.
    /// - Throws: `RelayError(.configInvalid)` listing every problem.
    public func validate() throws(RelayError) {
        let problems = problems()
        guard problems.isEmpty else {
            throw RelayError(.configInvalid, "source \(name): " + problems.joined(separator: "; "))
        }
    }

    public var description: String {
        let target = baseURL ?? region.environment
        let serviceList = services.map { $0.joined(separator: ",") } ?? "(service mapping)"
        return "GenesysAuditSourceConfiguration(name: \(name), target: \(target), clientID: \(clientID), "
            + "clientSecret: <redacted>, services: \(serviceList), filters: \(filters), pollInterval: \(pollInterval), "
            + "lookback: \(lookback), lateSweepInterval: \(lateSweepInterval), lateSweepWindow: \(lateSweepWindow), "
            + "initialLookback: \(initialLookback), pageSize: \(pageSize), "
            + "expandUser: \(expandUser), keepRaw: \(keepRaw), realtimeRetention: \(realtimeRetention))"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "region": region, "baseURL": baseURL as Any, "clientID": clientID,
                "clientSecret": "<redacted>", "services": services as Any, "filters": filters,
                "pollInterval": pollInterval,
                "lookback": lookback, "lateSweepInterval": lateSweepInterval,
                "lateSweepWindow": lateSweepWindow, "initialLookback": initialLookback, "pageSize": pageSize,
                "expandUser": expandUser, "keepRaw": keepRaw, "realtimeRetention": realtimeRetention,
            ])
    }
}
