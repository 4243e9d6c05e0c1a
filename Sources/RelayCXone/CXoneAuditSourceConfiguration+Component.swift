import RelayConfig
import RelayCore
import RelayHTTP

/// The `type: cxone_audit` source component: its keys, reading, construction and credential check.
/// Value checks are the configuration's own pure
/// `problems()`, reported here at their YAML paths.
extension CXoneAuditSourceConfiguration: SourceComponent {
    public static let typeName = "cxone_audit"

    static let keys: Set<String> = [
        "type", "tenant_id", "discovery_url", "api_base_url", "access_key_id", "access_key_secret", "client_id",
        "client_secret", "entities", "collect_logins", "include_inactive_agents", "poll_interval_secs",
        "lookback_secs", "initial_lookback_secs", "page_size", "timezone_offset", "keep_raw",
    ]

    public static func read(name: String, _ node: ConfigNode) -> CXoneAuditSourceConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let defaults = CXoneAuditSourceConfiguration()
        var entities = defaults.entities
        if let list = node.stringList("entities") {
            entities = []
            for (index, text) in list.enumerated() {
                if let kind = CXoneEntityKind(rawValue: text) {
                    entities.append(kind)
                } else {
                    let known = CXoneEntityKind.allCases.map(\.path).joined(separator: ", ")
                    node.problem(
                        "unknown entity kind \"\(text)\" (known: \(known))", at: "\(node.path).entities[\(index)]")
                }
            }
        }
        var offset = defaults.timezoneOffsetSeconds
        if let offsetNode = node.optional("timezone_offset"), let text = offsetNode.stringValue() {
            if let parsed = CXoneAuditSourceConfiguration.parseOffset(text) {
                offset = parsed
            } else {
                offsetNode.problem(
                    "expected a UTC offset such as +00:00, -05:00 or +05:30, found \"\(offsetNode.writtenText)\"")
            }
        }
        let apiBaseURL = node.string("api_base_url")
        let accessKeySecret = node.credential("access_key_secret")
        let clientSecret = node.credential("client_secret")
        let configuration = CXoneAuditSourceConfiguration(
            name: name,
            tenantID: apiBaseURL == nil ? node.requiredString("tenant_id") ?? "" : node.string("tenant_id") ?? "",
            discoveryURL: node.string("discovery_url", default: defaults.discoveryURL),
            apiBaseURL: apiBaseURL,
            accessKeyID: node.requiredString("access_key_id") ?? "",
            accessKeySecret: accessKeySecret ?? Credential(""),
            clientID: node.requiredString("client_id") ?? "",
            clientSecret: clientSecret ?? Credential(""),
            entities: entities,
            collectLogins: node.bool("collect_logins", default: defaults.collectLogins),
            includeInactiveAgents: node.bool("include_inactive_agents", default: defaults.includeInactiveAgents),
            pollInterval: node.seconds("poll_interval_secs", default: defaults.pollInterval, range: 1...86_400),
            lookback: node.seconds("lookback_secs", default: defaults.lookback, range: 0...86_400),
            initialLookback: node.seconds(
                "initial_lookback_secs", default: defaults.initialLookback, range: 0...(31 * 86_400)),
            pageSize: node.int(
                "page_size", default: defaults.pageSize, range: 1...CXoneAuditSourceConfiguration.maximumPageSize),
            timezoneOffsetSeconds: offset,
            keepRaw: node.bool("keep_raw", default: defaults.keepRaw)
        )
        let required: Set<String> = ["tenant_id", "access_key_id", "access_key_secret", "client_id", "client_secret"]
        for problem in configuration.problems() {
            let parts = problem.split(separator: ":", maxSplits: 1).map(String.init)
            let (key, message) = parts.count == 2 ? (parts[0], parts[1].trimmingPrefix(" ")) : ("", Substring(problem))
            // Missing required keys were already reported by requiredString.
            if required.contains(key), node.optional(key) == nil { continue }
            // A refused or referenced secret was checked by the secrets reader.
            let secrets = ["access_key_secret": accessKeySecret, "client_secret": clientSecret]
            if let credential = secrets[key], credential?.reference != nil || credential == nil { continue }
            node.problem(String(message), at: key.isEmpty ? node.path : "\(node.path).\(key)")
        }
        return configuration
    }

    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        let throttle = context.throttles.throttle(
            credential: throttleCredential, clock: context.clock, logger: context.logger)
        return .pull(
            try CXoneAuditSource(
                configuration: self, transport: context.transport, clock: context.clock, throttle: throttle))
    }

    /// Requests a fresh token with the access key (never a cached one).
    public func checkCredential(_ context: BuildContext) async -> CredentialStatus {
        let endpoint = CXoneTokenEndpoint(
            authBaseURL: discoveryURL, accessKeyID: accessKeyID, accessKeySecret: accessKeySecret, clientID: clientID,
            clientSecret: clientSecret, transport: context.transport
        )
        return await .ofTokenRequest { () throws(RelayError) in try await endpoint.fetch() }
    }
}
