import RelayConfig
import RelayCore

/// The `type: genesys_audit` source component: its keys, reading, construction and credential check.
/// Value checks are the configuration's own pure
/// `problems()`, reported here at their YAML paths.
extension GenesysAuditSourceConfiguration: SourceComponent {
    public static let typeName = "genesys_audit"

    static let keys: Set<String> = [
        "type", "region", "base_url", "client_id", "client_secret", "services", "filters", "poll_interval_secs",
        "lookback_secs", "late_sweep_interval_secs", "late_sweep_window_secs", "initial_lookback_secs", "page_size",
        "expand_user", "keep_raw",
        "realtime_retention_secs",
    ]

    public static func read(name: String, _ node: ConfigNode) -> GenesysAuditSourceConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let defaults = GenesysAuditSourceConfiguration()
        var region = defaults.region
        if let regionNode = node.optional("region"), let environment = regionNode.stringValue() {
            do {
                region = try GenesysRegion(environment: environment)
            } catch {
                regionNode.problem(error.message)
            }
        }
        let baseURL = node.string("base_url")
        if node.optional("region") != nil, baseURL != nil {
            node.problem("set either region or base_url, not both", at: "\(node.path).base_url")
        }
        let clientSecret = node.credential("client_secret")
        let configuration = GenesysAuditSourceConfiguration(
            name: name,
            region: region,
            baseURL: baseURL,
            clientID: node.requiredString("client_id") ?? "",
            clientSecret: clientSecret ?? Credential(""),
            services: node.stringList("services"),
            filters: readFilters(node),
            pollInterval: node.seconds("poll_interval_secs", default: defaults.pollInterval, range: 1...86_400),
            lookback: node.seconds("lookback_secs", default: defaults.lookback, range: 0...86_400),
            lateSweepInterval: node.seconds(
                "late_sweep_interval_secs", default: defaults.lateSweepInterval, range: 0...86_400),
            lateSweepWindow: node.seconds(
                "late_sweep_window_secs", default: defaults.lateSweepWindow, range: 60...(14 * 86_400)),
            initialLookback: node.seconds(
                "initial_lookback_secs", default: defaults.initialLookback, range: 0...(14 * 86_400)),
            pageSize: node.int(
                "page_size", default: defaults.pageSize, range: 1...GenesysAuditSourceConfiguration.maximumPageSize),
            expandUser: node.bool("expand_user", default: defaults.expandUser),
            keepRaw: node.bool("keep_raw", default: defaults.keepRaw),
            realtimeRetention: node.seconds(
                "realtime_retention_secs", default: defaults.realtimeRetention, range: 7200...(366 * 86_400))
        )
        for problem in configuration.problems() {
            let parts = problem.split(separator: ":", maxSplits: 1).map(String.init)
            let (key, message) = parts.count == 2 ? (parts[0], parts[1].trimmingPrefix(" ")) : ("", Substring(problem))
            // Missing credentials were already reported by requiredString.
            if (key == "client_id" || key == "client_secret"), node.optional(key) == nil { continue }
            // A refused or referenced secret was checked by the secrets reader.
            if key == "client_secret", clientSecret?.reference != nil || clientSecret == nil { continue }
            node.problem(String(message), at: key.isEmpty ? node.path : "\(node.path).\(key)")
        }
        return configuration
    }

    /// The `filters` list: mappings of `property` and `value`, both strings. Shapes are reported
    /// here at each element's path; the property names are checked by `problems()`.
    static func readFilters(_ node: ConfigNode) -> [GenesysAuditFilter] {
        guard let list = node.optional("filters"), let json = list.jsonValue() else { return [] }
        guard let elements = json.arrayValue else {
            list.problem("expected a list of {property, value} mappings")
            return []
        }
        var filters: [GenesysAuditFilter] = []
        for (index, element) in elements.enumerated() {
            let path = "\(list.path)[\(index)]"
            guard let object = element.objectValue else {
                list.problem("expected a mapping with property and value", at: path)
                continue
            }
            for member in object.members where member.key != "property" && member.key != "value" {
                list.problem("unknown key \"\(member.key)\" (known keys: property, value)", at: "\(path).\(member.key)")
            }
            var fields: [String] = []
            for key in ["property", "value"] {
                switch object[key] {
                case nil: list.problem("missing required key \"\(key)\"", at: "\(path).\(key)")
                case .string(let text)?: fields.append(text)
                default: list.problem("expected a string (quote it)", at: "\(path).\(key)")
                }
            }
            if fields.count == 2 { filters.append(GenesysAuditFilter(property: fields[0], value: fields[1])) }
        }
        return filters
    }

    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        let throttle = context.throttles.throttle(
            endpoints: endpoints, clientID: clientID, clock: context.clock, logger: context.logger
        )
        return .pull(
            try GenesysAuditSource(
                configuration: self, transport: context.transport, clock: context.clock, throttle: throttle))
    }

    /// Fetches a fresh token with the client credentials (never a cached one).
    public func checkCredential(_ context: BuildContext) async -> CredentialStatus {
        let endpoint = GenesysTokenEndpoint(
            endpoints: endpoints, clientID: clientID, clientSecret: clientSecret, transport: context.transport
        )
        return await .ofTokenRequest { () throws(RelayError) in try await endpoint.fetch() }
    }
}
