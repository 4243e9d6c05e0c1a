/// One file of generated content: a path relative to the output directory and its bytes.
public struct GeneratedFile: Sendable, Equatable {
    /// Relative path with `/` separators, e.g. `splunk/ccrelay_content/default/props.conf`.
    public var path: String
    /// UTF-8 text.
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// What `ccrelay generate` can produce.
public enum GenerateTarget: String, Sendable, CaseIterable {
    case splunk, datadog, sumo, aws, genesys, elastic, sentinel

    /// One line for `ccrelay generate --list`.
    public var summary: String {
        switch self {
        case .splunk: "Splunk app: props, HEC input, index, alerts, dedup macro, Dashboard Studio dashboard"
        case .datadog: "Datadog: logs pipeline, log monitors, dashboard (API JSON)"
        case .sumo: "Sumo Logic: saved searches (content JSON), field extraction rule"
        case .aws: "AWS CloudFormation: EventBridge rules, Firehose to ccrelay, transcript archive, IAM, alarms"
        case .genesys: "Genesys Cloud: EventBridge integration topics (JSON, Terraform), OAuth client role for audits"
        case .elastic: "Elasticsearch / OpenSearch: data stream index template with the schema's mappings"
        case .sentinel: "Microsoft Sentinel: custom table, data collection rule, analytics rules (ARM JSON)"
        }
    }

    /// The files of this target for `input`, sorted by path. Pure and deterministic: the same
    /// input always gives the same bytes.
    public func files(for input: GenerateInput) -> [GeneratedFile] {
        let files: [GeneratedFile] =
            switch self {
            case .splunk: SplunkAppGenerator(input: input).files()
            case .datadog: DatadogGenerator(input: input).files()
            case .sumo: SumoGenerator(input: input).files()
            case .aws: CloudFormationGenerator(input: input).files()
            case .genesys: GenesysGenerator(input: input).files()
            case .elastic: ElasticGenerator().files()
            case .sentinel: SentinelGenerator(input: input).files()
            }
        return files.sorted { $0.path < $1.path }
    }
}
