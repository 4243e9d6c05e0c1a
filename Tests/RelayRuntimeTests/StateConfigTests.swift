import Foundation
import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelayState
import Testing

@Suite("state: configuration (SQLite or PostgreSQL, leases)")
struct StateConfigTests {
    static let sinksAndSources = """
        sources:
          g: {type: genesys_audit, client_id: a, client_secret: "${env:SECRET}"}
        sinks:
          s: {type: stdout}
        """

    static func load(_ state: String, environment: [String: String] = [:]) throws(ConfigError) -> RelayConfiguration {
        let merged = environment.merging(["SECRET": "x"]) { $1 }
        let loader = ConfigLoader(interpolation: Interpolation(environment: { merged[$0] }))
        return try loader.load(yaml: state + "\n" + sinksAndSources)
    }

    @Test("postgres: url from the environment, pool size, schema, lease and claim times")
    func postgresSettings() throws {
        let configuration = try Self.load(
            """
            state:
              postgres: {url: "${env:PG_URL}", pool_size: 8, schema: ccrelay_prod}
              lease_secs: 12
              outbox_claim_secs: 90
            """, environment: ["PG_URL": "postgres://relay:s3cret@db.example:5433/relay?sslmode=require"])
        let postgres = try #require(configuration.state.postgres)
        #expect(postgres.host == "db.example")
        #expect(postgres.port == 5433)
        #expect(postgres.password == "s3cret")
        #expect(postgres.poolSize == 8)
        #expect(postgres.schema == "ccrelay_prod")
        #expect(postgres.tls == .require)
        #expect(configuration.state.leaseDuration == .seconds(12))
        #expect(configuration.state.outboxClaim == .seconds(90))
    }

    @Test("defaults: SQLite, 30 s leases, the worker's own claim time")
    func defaults() throws {
        let configuration = try Self.load("state: {sqlite: {path: /tmp/x.sqlite}}")
        #expect(configuration.state.postgres == nil)
        #expect(configuration.state.sqlitePath == "/tmp/x.sqlite")
        #expect(configuration.state.leaseDuration == .seconds(30))
        #expect(configuration.state.outboxClaim == nil)
    }

    @Test("problems name their YAML path and never print the password")
    func problems() {
        let error = #expect(throws: ConfigError.self) {
            try Self.load(
                """
                state:
                  sqlite: {path: /tmp/x.sqlite}
                  postgres: {url: "postgres://relay:hunter2@db.example/relay?sslmode=maybe", pool_size: 0, schema: "bad-name", extra: 1}
                  lease_secs: 0
                """)
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("state.postgres.url"))
        #expect(text.contains("sslmode"))
        #expect(text.contains("state.postgres.pool_size"))
        #expect(text.contains("state.postgres.extra"))
        #expect(text.contains("exclusive"))
        #expect(text.contains("state.lease_secs"))
        #expect(!text.contains("hunter2"))

        let missing = #expect(throws: ConfigError.self) { try Self.load("state: {postgres: {pool_size: 2}}") }
        #expect(missing.map { "\($0)" }?.contains("state.postgres.url") == true)
    }

    @Test("dlq's locator opens the PostgreSQL store a configuration names")
    func locatorOpensPostgres() throws {
        let settings = try StateLocator.settings(
            yaml: "state: {postgres: {url: \"postgres://relay@127.0.0.1:1/relay\"}}",
            interpolation: Interpolation(environment: { _ in nil }))
        #expect(settings.postgres?.username == "relay")
        #expect(settings.postgres?.port == 1)
    }
}
