import RelayConfig
import RelayCore
import RelayRuntime
import RelaySinks
import Testing

/// The `type: sentinel` block as `ccrelay validate` reads it.
@Suite("Sentinel sink configuration")
struct SentinelConfigTests {
    static func load(_ sink: String, type: String = "sentinel") throws(ConfigError) -> RelayConfiguration {
        let yaml = """
            allow_inline_secrets: true
            sources:
              f: {type: firehose, access_keys: [firehose-key-0001]}
            sinks:
              sentinel: {type: \(type), \(sink)}
            """
        return try ConfigLoader(interpolation: Interpolation(environment: { _ in nil })).load(yaml: yaml)
    }

    static let required =
        "endpoint: \"https://dce.westeurope-1.ingest.monitor.azure.com\", dcr_immutable_id: dcr-0123, tenant_id: t, client_id: c, client_secret: s"

    @Test("a minimal block loads with its defaults")
    func defaults() throws {
        let sink = try #require(try Self.load(Self.required).sinks.first as? SentinelSinkConfiguration)
        #expect(sink.stream == "Custom-CCRelay")
        #expect(sink.authorityHost == "https://login.microsoftonline.com")
        #expect(sink.gzip)
        #expect(
            sink.ingestionURL
                == "https://dce.westeurope-1.ingest.monitor.azure.com/dataCollectionRules/dcr-0123/streams/Custom-CCRelay?api-version=2023-01-01"
        )
        #expect(sink.tokenURL == "https://login.microsoftonline.com/t/oauth2/v2.0/token")
    }

    @Test("azure_monitor_logs is the same component: both names load the same configuration")
    func alias() throws {
        let sentinel = try #require(try Self.load(Self.required).sinks.first as? SentinelSinkConfiguration)
        let alias = try #require(
            try Self.load(Self.required, type: "azure_monitor_logs").sinks.first as? SentinelSinkConfiguration)
        #expect(alias == sentinel)
        let unknown = #expect(throws: ConfigError.self) { try Self.load(Self.required, type: "azure_monitor") }
        #expect(unknown?.problems.map(\.path) == ["sinks.sentinel.type"])
    }

    @Test("missing keys and values the API would refuse are reported at their YAML paths")
    func problems() {
        let missing = #expect(throws: ConfigError.self) { try Self.load("endpoint: \"https://dce.example.com\"") }
        let paths = Set(missing?.problems.map(\.path) ?? [])
        let expected: Set = [
            "sinks.sentinel.dcr_immutable_id", "sinks.sentinel.tenant_id", "sinks.sentinel.client_id",
        ]
        #expect(paths.isSuperset(of: expected))
        let wrong = #expect(throws: ConfigError.self) {
            try Self.load(Self.required.replacingOccurrences(of: "dcr-0123", with: "0123") + ", stream: CCRelay_CL")
        }
        #expect(wrong?.problems.map(\.path).sorted() == ["sinks.sentinel.dcr_immutable_id", "sinks.sentinel.stream"])
    }
}
