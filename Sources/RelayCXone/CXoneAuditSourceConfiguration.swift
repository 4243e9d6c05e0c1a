import RelayCore

/// Settings of a ``CXoneAuditSource``. Every field has a default; ``validate()`` checks them
/// without I/O. `description` and reflection never show the access key secret nor the client secret.
public struct CXoneAuditSourceConfiguration: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The source's name, unique in a configuration; also the `ccrelay.source` log metadata.
    /// Default `"cxone_audit"`.
    public var name: String
    /// The tenant id (a UUID) that discovery resolves to an API host. Needed unless ``apiBaseURL``
    /// is set. Default `""`.
    public var tenantID: String
    /// The global host serving `/.well-known/cxone-configuration` and `/auth/token`.
    /// Default `"https://cxone.niceincontact.com"`.
    public var discoveryURL: String
    /// The API base (e.g. `https://api-na1.niceincontact.com`); when set, discovery is skipped.
    /// Default `nil`.
    public var apiBaseURL: String?
    /// The access key id (the `username` of the password grant). Default `""`.
    public var accessKeyID: String
    /// The access key secret (the `password` of the password grant); never logged nor shown. Default `""`.
    public var accessKeySecret: Credential
    /// The registered application's client id. Default `""`.
    public var clientID: String
    /// The registered application's client secret; never logged nor shown. Default `""`.
    public var clientSecret: Credential
    /// The entity kinds whose `audit-history` is pulled, one partition each. Default all six.
    public var entities: [CXoneEntityKind]
    /// Pull agents' `login-history` (partition `logins`). Default `true`.
    public var collectLogins: Bool
    /// Ask login history of inactive agents too. Default `false`: only agents the list reports
    /// active, since an inactive agent cannot log in (one history call per listed agent per cycle).
    public var includeInactiveAgents: Bool
    /// Time between the start of two cycles. Default 60 s.
    public var pollInterval: Duration
    /// Overlap re-read before the watermark every cycle, so entries the platform records late are
    /// still seen (the dedup ledger drops what is read twice). Default 5 minutes.
    public var lookback: Duration
    /// Where a partition without a checkpoint starts: this long before now. Default 24 hours.
    public var initialLookback: Duration
    /// Entries per page (`top`) of list and history calls, 1...1000. Default 100.
    public var pageSize: Int
    /// The UTC offset, in seconds, of CXone dates written without one (`timezone_offset`, e.g.
    /// `+05:30`); it is applied and recorded in the event's attributes. Default 0 (UTC).
    public var timezoneOffsetSeconds: Int
    /// Keep the platform's original entry in the event's `raw`. Default `false`.
    public var keepRaw: Bool

    /// The default discovery and authentication host.
    public static let defaultDiscoveryURL = "https://cxone.niceincontact.com"
    /// The largest `top` this source asks for.
    public static let maximumPageSize = 1000

    public init(
        name: String = "cxone_audit",
        tenantID: String = "",
        discoveryURL: String = CXoneAuditSourceConfiguration.defaultDiscoveryURL,
        apiBaseURL: String? = nil,
        accessKeyID: String = "",
        accessKeySecret: some CredentialConvertible = "",
        clientID: String = "",
        clientSecret: some CredentialConvertible = "",
        entities: [CXoneEntityKind] = CXoneEntityKind.allCases,
        collectLogins: Bool = true,
        includeInactiveAgents: Bool = false,
        pollInterval: Duration = .seconds(60),
        lookback: Duration = .seconds(300),
        initialLookback: Duration = .seconds(86_400),
        pageSize: Int = 100,
        timezoneOffsetSeconds: Int = 0,
        keepRaw: Bool = false
    ) {
        self.name = name
        self.tenantID = tenantID
        self.discoveryURL = discoveryURL
        self.apiBaseURL = apiBaseURL
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret.credential
        self.clientID = clientID
        self.clientSecret = clientSecret.credential
        self.entities = entities
        self.collectLogins = collectLogins
        self.includeInactiveAgents = includeInactiveAgents
        self.pollInterval = pollInterval
        self.lookback = lookback
        self.initialLookback = initialLookback
        self.pageSize = pageSize
        self.timezoneOffsetSeconds = timezoneOffsetSeconds
        self.keepRaw = keepRaw
    }

    /// Every problem with the settings, each as `key: message`; empty when they are usable.
    public func problems() -> [String] {
        var problems: [String] = []
        func url(_ key: String, _ value: String) {
            if !(value.hasPrefix("http://") || value.hasPrefix("https://")) {
                problems.append("\(key): must start with http:// or https://")
            }
        }
        if name.isEmpty { problems.append("name: must not be empty") }
        if apiBaseURL == nil, tenantID.isEmpty { problems.append("tenant_id: must be set unless api_base_url is") }
        url("discovery_url", discoveryURL)
        if let apiBaseURL { url("api_base_url", apiBaseURL) }
        if accessKeyID.isEmpty { problems.append("access_key_id: must not be empty") }
        if accessKeySecret.isEmpty { problems.append("access_key_secret: must not be empty") }
        if clientID.isEmpty { problems.append("client_id: must not be empty") }
        if clientSecret.isEmpty { problems.append("client_secret: must not be empty") }
        if entities.isEmpty, !collectLogins {
            problems.append("entities: nothing to pull (no entity kinds and collect_logins is false)")
        }
        if Set(entities).count != entities.count { problems.append("entities: lists a kind twice") }
        if pollInterval <= .zero { problems.append("poll_interval_secs: must be positive") }
        if lookback < .zero { problems.append("lookback_secs: must not be negative") }
        if initialLookback < .zero { problems.append("initial_lookback_secs: must not be negative") }
        if !(1...Self.maximumPageSize).contains(pageSize) {
            problems.append("page_size: must be between 1 and \(Self.maximumPageSize)")
        }
        if abs(timezoneOffsetSeconds) >= 24 * 3600 || timezoneOffsetSeconds % 60 != 0 {
            problems.append("timezone_offset: must be whole minutes within ±23:59")
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

    /// Parses a UTC offset as written in a configuration: `Z`, `UTC`, `+hh:mm`, `-hh:mm`, `+hhmm`
    /// or `+hh`; `nil` when it is none of these or out of range.
    public static func parseOffset(_ text: String) -> Int? {
        if text == "Z" || text.uppercased() == "UTC" { return 0 }
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else { return nil }
        let digits = bytes.dropFirst().filter { $0 != UInt8(ascii: ":") }
        let colons = bytes.count - 1 - digits.count
        guard digits.count == 2 || digits.count == 4, colons <= 1,
            colons == 0 || (bytes.count == 6 && bytes[3] == UInt8(ascii: ":")),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let values = digits.map { Int($0 - UInt8(ascii: "0")) }
        let hours = values[0] * 10 + values[1]
        let minutes = values.count == 4 ? values[2] * 10 + values[3] : 0
        guard hours <= 23, minutes <= 59 else { return nil }
        return (first == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// An offset in seconds as `+hh:mm` / `-hh:mm`.
    public static func formatOffset(_ seconds: Int) -> String {
        let magnitude = abs(seconds) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return (seconds < 0 ? "-" : "+") + two(magnitude / 60) + ":" + two(magnitude % 60)
    }

    public var description: String {
        let target = apiBaseURL ?? "\(discoveryURL) tenant \(tenantID)"
        return "CXoneAuditSourceConfiguration(name: \(name), target: \(target), accessKeyID: \(accessKeyID), "
            + "accessKeySecret: <redacted>, clientID: \(clientID), clientSecret: <redacted>, "
            + "entities: \(entities.map(\.path).joined(separator: ",")), collectLogins: \(collectLogins), "
            + "includeInactiveAgents: \(includeInactiveAgents), pollInterval: \(pollInterval), "
            + "lookback: \(lookback), initialLookback: \(initialLookback), pageSize: \(pageSize), "
            + "timezoneOffset: \(Self.formatOffset(timezoneOffsetSeconds)), keepRaw: \(keepRaw))"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "tenantID": tenantID, "discoveryURL": discoveryURL, "apiBaseURL": apiBaseURL as Any,
                "accessKeyID": accessKeyID, "accessKeySecret": "<redacted>", "clientID": clientID,
                "clientSecret": "<redacted>", "entities": entities, "collectLogins": collectLogins,
                "includeInactiveAgents": includeInactiveAgents, "pollInterval": pollInterval, "lookback": lookback,
                "initialLookback": initialLookback, "pageSize": pageSize,
                "timezoneOffsetSeconds": timezoneOffsetSeconds, "keepRaw": keepRaw,
            ])
    }
}

extension CXoneAuditSourceConfiguration {
    /// The label of this source's rate-limit state: `accessKeyID@tenantID` (never the secret).
    public var throttleCredential: String { "\(accessKeyID)@\(tenantID)" }
}
