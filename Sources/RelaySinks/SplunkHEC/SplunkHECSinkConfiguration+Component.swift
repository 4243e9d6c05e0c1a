import RelayConfig
import RelayCore

/// The `type: splunk_hec` component: its keys, reading (defaults come from the configuration
/// type), and construction.
extension SplunkHECSinkConfiguration: SinkComponent {
    public static let typeName = "splunk_hec"

    static let keys: Set<String> = [
        "type", "endpoint", "endpoints", "token", "index", "sourcetype", "source", "host", "compression",
        "request_timeout_secs", "batch", "retry", "ack_poll_interval_secs", "ack_timeout_secs", "max_pending_acks",
        "max_pending_ack_events", "endpoint_cooldown_secs", "encoding",
    ]

    public static func read(name: String, _ node: ConfigNode) -> SplunkHECSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        var endpoints: [String] = []
        if node.optional("endpoint") != nil, node.optional("endpoints") != nil {
            node.problem("set either endpoint or endpoints, not both", at: "\(node.path).endpoints")
        }
        if let list = node.stringList("endpoints") {
            if list.isEmpty { node.problem("must list at least one URL", at: "\(node.path).endpoints") }
            for (index, url) in list.enumerated() {
                DeliveryConfigReader.checkURL(url, node, at: "\(node.path).endpoints[\(index)]")
            }
            endpoints = list
        } else if let endpoint = node.requiredString("endpoint") {
            DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint"))
            endpoints = [endpoint]
        }
        let token = node.credential("token")
        let defaults = SplunkHECSinkConfiguration(name: name, endpoints: [], token: "")
        let acknowledgement = AcknowledgementConfiguration(
            pollInterval: node.seconds(
                "ack_poll_interval_secs", default: defaults.acknowledgement.pollInterval, range: 0.1...3600),
            timeout: node.seconds("ack_timeout_secs", default: defaults.acknowledgement.timeout, range: 1...86_400),
            maxPendingEvents: node.int(
                "max_pending_ack_events", default: defaults.acknowledgement.maxPendingEvents, range: 1...100_000_000),
            maxPendingBatches: node.optional("max_pending_acks").map { _ in
                node.int("max_pending_acks", default: 1, range: 1...1_000_000)
            }
        )
        let configuration = SplunkHECSinkConfiguration(
            name: name,
            endpoints: endpoints,
            token: token ?? Credential(""),
            index: node.string("index"),
            sourcetype: node.string("sourcetype", default: defaults.sourcetype),
            source: node.string("source"),
            host: node.string("host"),
            gzip: node.compressionIsGzip(),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry"), default: defaults.retry),
            acknowledgement: acknowledgement,
            endpointCooldown: node.seconds(
                "endpoint_cooldown_secs", default: defaults.endpointCooldown, range: 0...3600),
            encoding: node.eventEncoding()
        )
        return endpoints.isEmpty || token == nil ? nil : configuration
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        SplunkHECSink(configuration: self, transport: context.transport, store: context.store, clock: context.clock)
    }
}
