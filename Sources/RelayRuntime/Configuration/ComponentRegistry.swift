import RelayAWS
import RelayCXone
import RelayConfig
import RelayGenesys
import RelaySinks

extension ComponentRegistry {
    /// Every component ccrelay ships. Adding a component is its folder (configuration type, reading,
    /// construction: see `docs/adding-a-component.md`) and one line here.
    public static let standard = ComponentRegistry(
        sources: [
            .source(GenesysAuditSourceConfiguration.self),
            .source(CXoneAuditSourceConfiguration.self),
            .source(FirehoseReceiverConfiguration.self),
            .source(APIDestinationReceiverConfiguration.self),
        ],
        sinks: [
            .sink(SplunkHECSinkConfiguration.self),
            .sink(DatadogLogsSinkConfiguration.self),
            .sink(SumoLogicSinkConfiguration.self),
            .sink(OTLPLogsSinkConfiguration.self),
            .sink(ElasticsearchSinkConfiguration.self),
            .sink(SentinelSinkConfiguration.self),
            .sink(SentinelSinkConfiguration.self, alias: SentinelSinkConfiguration.aliasTypeName),
            .sink(FileSinkConfiguration.self),
            .sink(StdoutSinkConfiguration.self),
            .sink(S3SinkConfiguration.self),
        ]
    )
}
