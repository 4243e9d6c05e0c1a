import RelayConfig
import RelayCore

/// The `type: otlp` component: its keys, reading and construction.
extension OTLPLogsSinkConfiguration: SinkComponent {
    public static let typeName = "otlp"

    static let keys: Set<String> = [
        "type", "endpoint", "headers", "service_name", "compression", "request_timeout_secs", "batch", "retry",
    ]

    public static func read(name: String, _ node: ConfigNode) -> OTLPLogsSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let endpoint = node.string("endpoint")
        if let endpoint {
            DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint"))
        } else {
            node.problem("missing required key \"endpoint\"", at: "\(node.path).endpoint")
        }
        let headers = readHeaders(node.optional("headers"))
        let defaults = OTLPLogsSinkConfiguration(name: name, endpoint: "")
        let configuration = OTLPLogsSinkConfiguration(
            name: name,
            endpoint: endpoint ?? "",
            headers: headers ?? [:],
            serviceName: node.string("service_name", default: defaults.serviceName),
            gzip: node.compressionIsGzip(),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
        node.reportProblems(configuration.problems())
        return endpoint == nil || headers == nil ? nil : configuration
    }

    /// The `headers:` map. A header that usually carries a secret (``isSecretHeader(_:)``) is read
    /// as a credential (a reference, or a literal only with `allow_inline_secrets: true`); any other
    /// value is plain text. `nil` when a value is in error (reported at its path).
    static func readHeaders(_ node: ConfigNode?) -> [String: Credential]? {
        guard let node else { return [:] }
        guard let members = node.mapping() else { return nil }
        var headers: [String: Credential] = [:]
        var failed = false
        for (name, value) in members {
            let read = isSecretHeader(name) ? value.credentialValue() : value.stringValue().map { Credential($0) }
            if let read { headers[name] = read } else { failed = true }
        }
        return failed ? nil : headers
    }

    /// Whether a header's value is a secret: `authorization`, or a name holding `key`, `token`,
    /// `secret`, `auth` or `team` (Honeycomb's `x-honeycomb-team`).
    static func isSecretHeader(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["auth", "key", "token", "secret", "team", "password"].contains { lowered.contains($0) }
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        OTLPLogsSink(configuration: self, transport: context.transport, logger: context.logger)
    }
}
