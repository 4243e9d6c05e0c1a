import RelayConfig
import RelayCore

/// Reads the top-level `server:` section: the push listener `listen` (default `127.0.0.1:8080`),
/// the admin listener `admin_listen` (default `127.0.0.1:8081`) and `admin_token`, `tls` and
/// `admin_tls` (`cert_file`, `key_file`), and the limits `idle_timeout_secs` (60),
/// `header_timeout_secs` (10), `max_connections` (1024) and `max_concurrent_requests` (64).
enum ServerConfigReader {
    static func read(_ node: ConfigNode?) -> ServerConfiguration {
        guard let node, node.mapping() != nil else { return ServerConfiguration() }
        node.rejectUnknownKeys(allowed: [
            "listen", "admin_listen", "admin_token", "tls", "admin_tls", "idle_timeout_secs", "header_timeout_secs",
            "max_connections", "max_concurrent_requests",
        ])
        var settings = ServerConfiguration(configured: true)
        if let address = address(node, "listen", example: ServerConfiguration.defaultListen) {
            settings.listen = address
        }
        if let address = address(node, "admin_listen", example: ServerConfiguration.defaultAdminListen) {
            settings.admin = address
        }
        settings.adminToken = adminToken(node)
        settings.tls = tlsFiles(node.optional("tls"))
        settings.adminTLS = tlsFiles(node.optional("admin_tls"))
        settings.idleTimeout = node.seconds("idle_timeout_secs", default: settings.idleTimeout, range: 0.001...86_400)
        settings.headerTimeout = node.seconds(
            "header_timeout_secs", default: settings.headerTimeout, range: 0.001...3_600)
        settings.maxConnections = node.int("max_connections", default: settings.maxConnections, range: 1...1_000_000)
        settings.maxConcurrentRequests = node.int(
            "max_concurrent_requests", default: settings.maxConcurrentRequests, range: 1...100_000)
        return settings
    }

    private static func address(_ node: ConfigNode, _ key: String, example: String) -> ListenAddress? {
        guard let value = node.optional(key), let text = value.stringValue() else { return nil }
        do {
            return try ListenAddress(parsing: text)
        } catch {
            value.problem("expected HOST:PORT (e.g. \(example)), found \"\(value.writtenText)\"")
            return nil
        }
    }

    /// `admin_token`: a credential reference (a literal only with `allow_inline_secrets`) whose value,
    /// when it is known at load (`${env:}`, `${file:}`), has at least 16 bytes.
    private static func adminToken(_ node: ConfigNode) -> Credential? {
        guard let token = node.credential("admin_token", required: false) else { return nil }
        let bytes = token.value.utf8.count
        if bytes > 0, bytes < ServerConfiguration.minimumAdminTokenBytes {
            node.problem(
                "the admin token has \(bytes) bytes; at least \(ServerConfiguration.minimumAdminTokenBytes) are required",
                at: node.path.isEmpty ? "admin_token" : "\(node.path).admin_token")
            return nil
        }
        return token
    }

    /// `tls: {cert_file, key_file}`: both required; each file must hold what it should (PEM).
    private static func tlsFiles(_ node: ConfigNode?) -> TLSFiles? {
        guard let node, node.mapping() != nil else { return nil }
        node.rejectUnknownKeys(allowed: ["cert_file", "key_file"])
        guard let cert = node.requiredString("cert_file"), let key = node.requiredString("key_file"),
            !cert.isEmpty, !key.isEmpty
        else { return nil }
        let files = TLSFiles(certFile: cert, keyFile: key)
        for problem in files.problems() {
            node.problem(problem.message, at: "\(node.path).\(problem.key)")
        }
        return files
    }
}
