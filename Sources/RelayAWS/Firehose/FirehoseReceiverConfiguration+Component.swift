import RelayAWSCore
import RelayConfig
import RelayCore
import RelayGenesys

/// The `type: firehose` source component (Amazon Data Firehose HTTP-endpoint delivery).
extension FirehoseReceiverConfiguration: SourceComponent {
    public static let typeName = "firehose"

    static let keys: Set<String> = [
        "type", "path", "access_keys", "max_body_bytes", "remembered_request_ids", "keep_raw",
        "max_dead_letters_per_request",
    ]

    public static func read(name: String, _ node: ConfigNode) -> FirehoseReceiverConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let defaults = FirehoseReceiverConfiguration(name: name, accessKeys: [])
        // nil when absent or when an element was refused (reported at its own path).
        let keys = node.credentialList("access_keys", required: false, minimumBytes: Self.minimumKeyBytes)
        if node.optional("access_keys") == nil {
            node.problem(
                "missing required key \"access_keys\" (a list of accepted access keys)", at: "\(node.path).access_keys")
        }
        let configuration = FirehoseReceiverConfiguration(
            name: name,
            path: node.string("path", default: defaults.path),
            accessKeys: keys ?? [],
            maxBodyBytes: node.int("max_body_bytes", default: defaults.maxBodyBytes, range: 1024...(1 << 30)),
            rememberedRequestIDs: node.int(
                "remembered_request_ids", default: defaults.rememberedRequestIDs, range: 0...1_000_000),
            keepRaw: node.bool("keep_raw", default: defaults.keepRaw),
            maxDeadLettersPerRequest: node.int(
                "max_dead_letters_per_request", default: defaults.maxDeadLettersPerRequest, range: 0...100_000)
        )
        node.reportProblems(configuration.problems(), skipping: keys == nil ? ["access_keys"] : [])
        return keys == nil ? nil : configuration
    }

    /// Genesys Cloud events delivered through EventBridge and Firehose, normalized with
    /// ``GenesysEventBridgeNormalizer``.
    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        .push(
            FirehoseReceiver(
                configuration: self, normalize: makeNormalizer(), clock: context.clock, logger: context.logger))
    }

    /// The normalizer of this source's events, shared by its receiver and `ccrelay redrive`.
    public func makeNormalizer() -> PushEventNormalizer {
        let normalizer = GenesysEventBridgeNormalizer(keepRaw: keepRaw)
        return { value throws(RelayError) in try normalizer.normalize(value) }
    }
}
