import RelayConfig
import RelayCore
import RelayRuntime
import Testing

@Suite("PostgreSQL TLS warning")
struct PostgresTLSWarningTests {
    @Test("validate warns, without refusing, when a non-loopback PostgreSQL host may run without TLS")
    func postgresSSLModeWarning() throws {
        func warnings(_ url: String) throws -> [ConfigProblem] {
            try ConfigLoader(interpolation: InboundSecretConfigTests.environment).load(
                yaml: InboundSecretConfigTests.yaml(
                    sources: "  f: {type: firehose, access_keys: [\"${FIREHOSE_KEY}\"]}",
                    extra: "state: {postgres: {url: \"\(url)\"}}")
            ).warnings
        }
        for url in [
            "postgres://u@db.example.com/ccrelay", "postgres://u@db.example.com/ccrelay?sslmode=disable",
            "postgres://u@10.0.0.5/c?sslmode=prefer",
        ] {
            let found = try warnings(url)
            #expect(found.map(\.path) == ["state.postgres.url"])
            #expect(found.first?.message.contains("sslmode=require") == true)
        }
        #expect(try warnings("postgres://u@db.example.com/ccrelay?sslmode=require").isEmpty)
        #expect(try warnings("postgres://u@localhost/ccrelay?sslmode=disable").isEmpty)
        #expect(try warnings("postgres://u@127.0.0.1/ccrelay").isEmpty)
    }
}
