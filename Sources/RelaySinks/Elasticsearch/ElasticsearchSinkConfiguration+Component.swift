import RelayConfig
import RelayCore

/// The `type: elasticsearch` component (Elasticsearch or OpenSearch): its keys, reading and
/// construction. Exactly one of `api_key` or `username`/`password` authenticates.
extension ElasticsearchSinkConfiguration: SinkComponent {
    public static let typeName = "elasticsearch"

    static let keys: Set<String> = [
        "type", "encoding", "endpoint", "index", "api_key", "username", "password", "compression",
        "request_timeout_secs",
        "batch", "retry",
    ]

    public static func read(name: String, _ node: ConfigNode) -> ElasticsearchSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let endpoint = node.requiredString("endpoint")
        if let endpoint { DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint")) }
        let index = node.string("index", default: defaultIndex)
        if index.isEmpty || index != index.lowercased() || index.contains(where: { "\\/*?\"<>| ,#:".contains($0) }) {
            node.problem(
                "index \"\(index)\" is not a valid Elasticsearch index name (lowercase, none of \\/*?\"<>| ,#:)",
                at: "\(node.path).index")
        }
        let auth: ElasticsearchAuth?
        if node.optional("api_key") != nil {
            if node.optional("username") != nil || node.optional("password") != nil {
                node.problem("set either api_key or username and password, not both", at: "\(node.path).api_key")
            }
            auth = node.credential("api_key").map(ElasticsearchAuth.apiKey)
        } else if node.optional("username") != nil || node.optional("password") != nil {
            let username = node.requiredString("username")
            let password = node.credential("password")
            auth = username.flatMap { username in password.map { .basic(username: username, password: $0) } }
        } else {
            node.problem("set api_key, or username and password", at: "\(node.path).api_key")
            auth = nil
        }
        guard let endpoint, let auth else { return nil }
        let defaults = ElasticsearchSinkConfiguration(name: name, endpoint: endpoint, auth: auth)
        return ElasticsearchSinkConfiguration(
            name: name,
            endpoint: endpoint,
            index: index,
            auth: auth,
            gzip: node.compressionIsGzip(),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry")),
            encoding: node.eventEncoding()
        )
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        ElasticsearchSink(configuration: self, transport: context.transport, logger: context.logger)
    }
}
