import RelayConfig
import RelayCore

/// The `type: sentinel` (alias `azure_monitor_logs`) component: its keys, reading and construction.
extension SentinelSinkConfiguration: SinkComponent {
    public static let typeName = "sentinel"
    /// The same component under the Azure Monitor name of its API (Logs Ingestion into any Log
    /// Analytics workspace, with or without Sentinel on it).
    public static let aliasTypeName = "azure_monitor_logs"

    static let keys: Set<String> = [
        "type", "endpoint", "dcr_immutable_id", "stream", "tenant_id", "client_id", "client_secret",
        "authority_host", "scope", "compression", "request_timeout_secs", "batch", "retry",
    ]

    public static func read(name: String, _ node: ConfigNode) -> SentinelSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let endpoint = node.requiredString("endpoint")
        if let endpoint { DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint")) }
        let authorityHost = node.string("authority_host")
        if let authorityHost { DeliveryConfigReader.checkURL(authorityHost, node.optional("authority_host")) }
        let dcr = node.requiredString("dcr_immutable_id")
        let tenant = node.requiredString("tenant_id")
        let client = node.requiredString("client_id")
        let secret = node.credential("client_secret")
        guard let endpoint, let dcr, let tenant, let client, let secret else { return nil }
        let defaults = SentinelSinkConfiguration(
            name: name, endpoint: endpoint, dcrImmutableID: dcr, tenantID: tenant, clientID: client, clientSecret: "")
        let configuration = SentinelSinkConfiguration(
            name: name,
            endpoint: endpoint,
            dcrImmutableID: dcr,
            stream: node.string("stream", default: defaults.stream),
            tenantID: tenant,
            clientID: client,
            clientSecret: secret,
            authorityHost: authorityHost ?? defaults.authorityHost,
            scope: node.string("scope", default: defaults.scope),
            gzip: node.compressionIsGzip(),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
        node.reportProblems(configuration.problems())
        return configuration
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        SentinelSink(configuration: self, transport: context.transport, clock: context.clock, logger: context.logger)
    }
}
