import RelayConfig
import RelayCore

/// Reads `state:`: SQLite (`sqlite.path`) by default, or a PostgreSQL store shared by several
/// instances (`postgres.url`, `postgres.pool_size`, `postgres.schema`), the ledger and dead-letter
/// retentions, the pull-source lease time and the outbox claim time.
public enum StateConfigReader {
    public static func read(_ node: ConfigNode?) -> StateConfiguration {
        var settings = StateConfiguration()
        guard let node, node.mapping() != nil else { return settings }
        node.rejectUnknownKeys(allowed: [
            "sqlite", "postgres", "ledger_retention_secs", "lease_secs", "outbox_claim_secs",
            "dead_letter_retention_secs",
        ])
        if let sqlite = node.optional("sqlite"), sqlite.mapping() != nil {
            sqlite.rejectUnknownKeys(allowed: ["path"])
            settings.sqlitePath = sqlite.string("path", default: settings.sqlitePath)
        }
        if let postgres = node.optional("postgres") {
            if node.optional("sqlite") != nil {
                postgres.problem("state.sqlite and state.postgres are exclusive: choose one store")
            }
            settings.postgres = readPostgres(postgres)
        }
        settings.ledgerRetention = node.seconds(
            "ledger_retention_secs", default: settings.ledgerRetention, range: 60...(366 * 86_400))
        settings.leaseDuration = node.seconds("lease_secs", default: settings.leaseDuration, range: 1...3600)
        if node.optional("outbox_claim_secs") != nil {
            settings.outboxClaim = node.seconds("outbox_claim_secs", default: .seconds(600), range: 1...86_400)
        }
        if node.optional("dead_letter_retention_secs") != nil {
            let retention = node.seconds(
                "dead_letter_retention_secs", default: settings.deadLetterRetention ?? .zero, range: 0...(3660 * 86_400)
            )
            settings.deadLetterRetention = retention == .zero ? nil : retention
        }
        return settings
    }

    /// Whether `host` is this machine (no network in between): `localhost`, 127.0.0.0/8, `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.")
    }

    /// `postgres: {url: ..., pool_size: 4, schema: ...}`; problems name the YAML path, never the password.
    static func readPostgres(_ node: ConfigNode) -> PostgresStateConfiguration? {
        guard node.mapping() != nil else { return nil }
        node.rejectUnknownKeys(allowed: ["url", "pool_size", "schema"])
        let poolSize = node.int("pool_size", default: 4, range: 1...100)
        let schema = node.string("schema")
        guard let url = node.requiredString("url"), !url.isEmpty else { return nil }
        do {
            let configuration = try PostgresStateConfiguration(url: url, poolSize: poolSize, schema: schema)
            if configuration.tls != .require, !isLoopback(configuration.host) {
                node.warning(
                    "sslmode=\(configuration.tls.rawValue) lets the connection to \(configuration.host) run without TLS "
                        + "(prefer accepts a server, or an attacker in the path, that offers none): use sslmode=require",
                    at: "\(node.path).url")
            }
            return configuration
        } catch {
            let at = error.message.contains("schema") ? "\(node.path).schema" : "\(node.path).url"
            node.problem(error.message, at: at)
            return nil
        }
    }
}
