import RelayConfig
import RelayCore

/// The `type: datadog_logs` component: its keys, reading and construction.
extension DatadogLogsSinkConfiguration: SinkComponent {
    public static let typeName = "datadog_logs"

    static let keys: Set<String> = [
        "type", "encoding", "site", "endpoint", "api_key", "ddsource", "service", "hostname", "tags", "status",
        "fallback",
        "compression", "request_timeout_secs", "batch", "retry",
    ]

    public static func read(name: String, _ node: ConfigNode) -> DatadogLogsSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        var site = DatadogSite.us1
        if let siteNode = node.optional("site"), let value = siteNode.stringValue() {
            if let known = DatadogSite.all.first(where: { $0.rawValue == value }) {
                site = known
            } else {
                let list = DatadogSite.all.map(\.rawValue).joined(separator: ", ")
                siteNode.problem("unknown Datadog site \"\(siteNode.writtenText)\" (known: \(list))")
            }
        }
        if node.optional("site") != nil, node.optional("endpoint") != nil {
            node.problem("set either site or endpoint, not both", at: "\(node.path).endpoint")
        }
        let endpoint = node.string("endpoint")
        if let endpoint { DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint")) }
        let apiKey = node.credential("api_key")
        if node.optional("fallback") != nil {
            node.warning(
                "fallback is ignored and no longer needed: events of any age go to Datadog, which dates each log at intake (the event time is sent as event_time)",
                at: "\(node.path).fallback")
        }
        let defaults = DatadogLogsSinkConfiguration(name: name, apiKey: "")
        let configuration = DatadogLogsSinkConfiguration(
            name: name,
            site: site,
            endpoint: endpoint,
            apiKey: apiKey ?? Credential(""),
            ddsource: node.string("ddsource"),
            service: node.string("service", default: defaults.service),
            hostname: node.string("hostname"),
            tags: node.stringMap("tags", separatorsForbidden: [",", ":"]),
            status: node.string("status", default: defaults.status),
            gzip: node.compressionIsGzip(),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry")),
            encoding: node.eventEncoding()
        )
        return apiKey == nil ? nil : configuration
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        DatadogLogsSink(configuration: self, transport: context.transport)
    }
}
