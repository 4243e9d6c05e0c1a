import RelayConfig
import RelayCore
import RelayRuntime
import RelaySinks
import Testing

/// Reading a `type: otlp` sink block through the standard registry.
@Suite("OTLP sink configuration")
struct OTLPConfigTests {
    private let interpolation = Interpolation(environment: { ["HONEYCOMB_KEY": "hc-key-value"][$0] })

    private func yaml(_ sink: String) -> String {
        """
        sources:
          g: {type: genesys_audit, client_id: a, client_secret: "${HONEYCOMB_KEY}"}
        sinks:
          o: \(sink)
        """
    }

    @Test("an example block loads: secret headers from references, plain headers as text, defaults")
    func loads() throws {
        let block = """
            {type: otlp, endpoint: "https://api.honeycomb.io", headers: {x-honeycomb-team: "${HONEYCOMB_KEY}", x-scope-orgid: tenant-1}}
            """
        let configuration = try ConfigLoader(interpolation: interpolation).load(yaml: yaml(block))
        let sink = try #require(configuration.sinks.first as? OTLPLogsSinkConfiguration)
        #expect(sink.logsURL == "https://api.honeycomb.io/v1/logs")
        #expect(sink.headers["x-honeycomb-team"]?.value == "hc-key-value")
        #expect(sink.headers["x-honeycomb-team"]?.reference != nil)
        #expect(sink.headers["x-scope-orgid"]?.value == "tenant-1")
        #expect(sink.serviceName == "ccrelay")
        #expect(sink.gzip)
        #expect(sink.batch.maxEvents == 1000)
    }

    @Test(
        "each refusal at its YAML path",
        arguments: [
            ("{type: otlp}", "sinks.o.endpoint"),
            (#"{type: otlp, endpoint: "ftp://x"}"#, "sinks.o.endpoint"),
            (
                #"{type: otlp, endpoint: "https://c", headers: {authorization: "Bearer literal"}}"#,
                "sinks.o.headers.authorization"
            ),
            (
                #"{type: otlp, endpoint: "https://c", headers: {content-type: "text/plain"}}"#,
                "sinks.o.headers.content-type"
            ),
            (#"{type: otlp, endpoint: "https://c", headers: {"bad name": "v"}}"#, "sinks.o.headers.bad name"),
            (#"{type: otlp, endpoint: "https://c", format: protobuf}"#, "sinks.o.format"),
        ])
    func refusals(block: String, path: String) throws {
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: interpolation).load(yaml: yaml(block))
        }
        #expect(error?.problems.map(\.path) == [path], "\(error?.description ?? "")")
        #expect(error?.description.contains("Bearer literal") != true, "no secret in the message")
    }
}
