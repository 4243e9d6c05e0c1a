import RelayCore
import RelaySinks

/// Reads a `type: splunk_hec` sink.
enum SplunkHECConfigReader {
    static let keys: Set<String> = [
        "type", "endpoint", "token", "index", "sourcetype", "source", "host", "compression",
        "request_timeout_secs", "batch", "retry",
    ]

    static func read(name: String, _ node: ConfigNode) -> SplunkHECSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let endpoint = node.requiredString("endpoint")
        if let endpoint { DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint")) }
        let token = node.requiredString("token")
        var compressionGzip = true
        if let compression = node.optional("compression"), let value = compression.stringValue() {
            switch value {
            case "gzip": compressionGzip = true
            case "none": compressionGzip = false
            default: compression.problem("expected gzip or none, found \"\(compression.writtenText)\"")
            }
        }
        let configuration = SplunkHECSinkConfiguration(
            name: name,
            endpoint: endpoint ?? "",
            token: token ?? "",
            index: node.string("index"),
            sourcetype: node.string("sourcetype", default: "ccas:auditlog"),
            source: node.string("source"),
            host: node.string("host"),
            gzip: compressionGzip,
            requestTimeout: node.seconds("request_timeout_secs", default: .seconds(30), range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch")),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
        return endpoint == nil || token == nil ? nil : configuration
    }
}
