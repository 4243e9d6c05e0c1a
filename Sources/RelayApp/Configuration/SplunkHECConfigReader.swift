import RelayCore
import RelaySinks

/// Reads a `type: splunk_hec` sink.
enum SplunkHECConfigReader {
    static let keys: Set<String> = [
        "type", "endpoint", "endpoints", "token", "index", "sourcetype", "source", "host", "compression",
        "request_timeout_secs", "batch", "retry", "ack_poll_interval_secs", "ack_timeout_secs", "max_pending_acks",
        "endpoint_cooldown_secs",
    ]

    static func read(name: String, _ node: ConfigNode) -> SplunkHECSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        var endpoints: [String] = []
        if node.optional("endpoint") != nil, node.optional("endpoints") != nil {
            node.problem("set either endpoint or endpoints, not both", at: "\(node.path).endpoints")
        }
        if let list = node.stringList("endpoints") {
            if list.isEmpty { node.problem("must list at least one URL", at: "\(node.path).endpoints") }
            for (index, url) in list.enumerated() {
                if !DeliveryConfigReader.isHTTPURL(url) {
                    node.problem("expected an http:// or https:// URL without a query", at: "\(node.path).endpoints[\(index)]")
                }
            }
            endpoints = list
        } else if let endpoint = node.requiredString("endpoint") {
            DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint"))
            endpoints = [endpoint]
        }
        let token = node.credential("token")
        var compressionGzip = true
        if let compression = node.optional("compression"), let value = compression.stringValue() {
            switch value {
            case "gzip": compressionGzip = true
            case "none": compressionGzip = false
            default: compression.problem("expected gzip or none, found \"\(compression.writtenText)\"")
            }
        }
        let defaults = AcknowledgementConfiguration()
        let acknowledgement = AcknowledgementConfiguration(
            pollInterval: node.seconds("ack_poll_interval_secs", default: defaults.pollInterval, range: 0.1...3600),
            timeout: node.seconds("ack_timeout_secs", default: defaults.timeout, range: 1...86_400),
            maxPending: node.int("max_pending_acks", default: defaults.maxPending, range: 1...10_000)
        )
        let configuration = SplunkHECSinkConfiguration(
            name: name,
            endpoints: endpoints,
            token: token ?? Credential(""),
            index: node.string("index"),
            sourcetype: node.string("sourcetype", default: "ccas:auditlog"),
            source: node.string("source"),
            host: node.string("host"),
            gzip: compressionGzip,
            requestTimeout: node.seconds("request_timeout_secs", default: .seconds(30), range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch")),
            retry: DeliveryConfigReader.retry(node.optional("retry")),
            acknowledgement: acknowledgement,
            endpointCooldown: node.seconds("endpoint_cooldown_secs", default: .seconds(30), range: 0...3600)
        )
        return endpoints.isEmpty || token == nil ? nil : configuration
    }
}
