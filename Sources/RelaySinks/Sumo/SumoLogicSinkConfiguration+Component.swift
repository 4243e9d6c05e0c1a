import RelayConfig
import RelayCore

/// The `type: sumo_logic` component: its keys, reading and construction.
/// The URL is the credential: problems never quote it.
extension SumoLogicSinkConfiguration: SinkComponent {
    public static let typeName = "sumo_logic"

    static let keys: Set<String> = [
        "type", "encoding", "url", "category", "source_name", "source_host", "fields", "compression",
        "request_timeout_secs",
        "batch", "retry",
    ]

    public static func read(name: String, _ node: ConfigNode) -> SumoLogicSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let url = node.credential("url")
        // A URL in Secrets Manager is checked once fetched (it is empty until then).
        if let url, !url.isEmpty { DeliveryConfigReader.checkURL(url.value, node.optional("url")) }
        let defaults = SumoLogicSinkConfiguration(name: name, url: "")
        let configuration = SumoLogicSinkConfiguration(
            name: name,
            url: url ?? Credential(""),
            category: node.string("category"),
            sourceName: node.string("source_name"),
            sourceHost: node.string("source_host"),
            fields: node.stringMap("fields", separatorsForbidden: [",", "="]),
            gzip: node.compressionIsGzip(),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry")),
            encoding: node.eventEncoding()
        )
        return url == nil ? nil : configuration
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        SumoLogicSink(configuration: self, transport: context.transport, logger: context.logger)
    }
}
