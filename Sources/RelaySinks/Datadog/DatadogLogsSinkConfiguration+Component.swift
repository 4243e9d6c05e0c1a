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
        let fallback = node.string("fallback")
        if let fallback, fallback == name {
            node.problem("a sink cannot be its own fallback", at: "\(node.path).fallback")
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
            fallback: fallback,
            gzip: node.compressionIsGzip(),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry")),
            encoding: node.eventEncoding()
        )
        return apiKey == nil ? nil : configuration
    }

    public var referencedSinks: [(key: String, sink: String)] { fallback.map { [("fallback", $0)] } ?? [] }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        DatadogLogsSink(configuration: self, transport: context.transport, clock: context.clock, logger: context.logger)
    }
}
