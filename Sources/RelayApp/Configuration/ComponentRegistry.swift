/// Every component type a configuration can name, by its `type:` value. Adding a component is a
/// reader file (which validates its block and returns a blueprint) and one line here.
enum ComponentRegistry {
    typealias SourceReader = @Sendable (_ name: String, _ node: ConfigNode) -> (any SourceBlueprint)?
    typealias SinkReader = @Sendable (_ name: String, _ node: ConfigNode) -> (any SinkBlueprint)?

    static let sources: [String: SourceReader] = [
        "genesys_audit": { GenesysAuditConfigReader.read(name: $0, $1) },
        "cxone_audit": { CXoneConfigReader.read(name: $0, $1) },
        "firehose": { FirehoseConfigReader.read(name: $0, $1) },
        "eventbridge_api_destination": { APIDestinationConfigReader.read(name: $0, $1) },
    ]

    static let sinks: [String: SinkReader] = [
        "splunk_hec": { SplunkHECConfigReader.read(name: $0, $1) },
        "datadog_logs": { DatadogConfigReader.read(name: $0, $1) },
        "sumo_logic": { SumoConfigReader.read(name: $0, $1) },
        "file": { FileConfigReader.read(name: $0, $1) },
        "stdout": { StdoutConfigReader.read(name: $0, $1) },
        "s3": { S3ConfigReader.read(name: $0, $1) },
    ]
}
