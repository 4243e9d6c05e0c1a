import RelayAWSCore
import RelayConfig
import RelayCore
import RelayGenesys

/// The `type: eventbridge_api_destination` source component: its keys, reading and construction.
/// `auth` is either
/// `{type: api_key, header: NAME (default x-api-key), values: [..]}` or
/// `{type: basic, username: .., password: ..}`, matching the API destination's connection.
extension APIDestinationReceiverConfiguration: SourceComponent {
    public static let typeName = "eventbridge_api_destination"

    static let keys: Set<String> = [
        "type", "path", "auth", "max_body_bytes", "keep_raw", "max_dead_letters_per_request",
    ]

    public static func read(name: String, _ node: ConfigNode) -> APIDestinationReceiverConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        guard let authNode = node.optional("auth") else {
            node.problem("missing required key \"auth\" (type: api_key or basic)", at: "\(node.path).auth")
            return nil
        }
        guard authNode.mapping() != nil, let auth = readAuth(authNode) else { return nil }
        let defaults = APIDestinationReceiverConfiguration(name: name, auth: auth)
        let configuration = APIDestinationReceiverConfiguration(
            name: name,
            path: node.string("path", default: defaults.path),
            auth: auth,
            maxBodyBytes: node.int("max_body_bytes", default: defaults.maxBodyBytes, range: 1024...(64 << 20)),
            keepRaw: node.bool("keep_raw", default: defaults.keepRaw),
            maxDeadLettersPerRequest: node.int(
                "max_dead_letters_per_request", default: defaults.maxDeadLettersPerRequest, range: 0...100_000)
        )
        node.reportProblems(configuration.problems())
        return configuration
    }

    private static func readAuth(_ node: ConfigNode) -> APIDestinationAuth? {
        guard let type = node.requiredString("type") else { return nil }
        switch type {
        case "api_key":
            node.rejectUnknownKeys(allowed: ["type", "header", "values"])
            guard node.optional("values") != nil else {
                node.problem("missing required key \"values\" (accepted API key values)", at: "\(node.path).values")
                return nil
            }
            guard let values = node.credentialList("values", minimumBytes: minimumSecretBytes) else { return nil }
            return .apiKey(header: node.string("header", default: "x-api-key"), values: values)
        case "basic":
            node.rejectUnknownKeys(allowed: ["type", "username", "password"])
            let username = node.requiredString("username")
            guard let username, let password = node.credential("password", minimumBytes: minimumSecretBytes) else {
                return nil
            }
            return .basic(credentials: [BasicCredential(username: username, password: password)])
        default:
            node.optional("type")?.problem(
                "expected api_key or basic, found \"\(node.optional("type")?.writtenText ?? "")\"")
            return nil
        }
    }

    /// Genesys Cloud events delivered by an EventBridge API destination, normalized with
    /// ``GenesysEventBridgeNormalizer``.
    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        let normalizer = GenesysEventBridgeNormalizer(keepRaw: keepRaw)
        return .push(
            APIDestinationReceiver(
                configuration: self, normalize: { value throws(RelayError) in try normalizer.normalize(value) },
                clock: context.clock, logger: context.logger))
    }
}
