import RelayConfig
import RelayCore
import RelayRuntime
import RelaySinks
import Testing

/// The sinks' `encoding: compact | full` setting, read by the shared reader.
@Suite("Sink encoding configuration")
struct EncodingConfigTests {
    private let interpolation = Interpolation(environment: { _ in nil })

    private static let sinks = """
        allow_inline_secrets: true
        sources:
          g: {type: genesys_audit, client_id: a, client_secret: b}
        sinks:
          splunk: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: t, encoding: ENCODING}
          dd: {type: datadog_logs, api_key: k, encoding: ENCODING}
          sumo: {type: sumo_logic, url: "https://endpoint1.collection.sumologic.com/receiver/v1/http/abc", encoding: ENCODING}
          es: {type: elasticsearch, endpoint: "https://es.example.com:9200", api_key: k, encoding: ENCODING}
        """

    private func encodings(_ configuration: RelayConfiguration) -> [EventEncoding] {
        configuration.sinks.compactMap { sink in
            switch sink {
            case let sink as SplunkHECSinkConfiguration: sink.encoding
            case let sink as DatadogLogsSinkConfiguration: sink.encoding
            case let sink as SumoLogicSinkConfiguration: sink.encoding
            case let sink as ElasticsearchSinkConfiguration: sink.encoding
            default: nil
            }
        }
    }

    @Test("compact by default; full or compact when set", arguments: [EventEncoding.full, .compact])
    func reads(encoding: EventEncoding) throws {
        let loader = ConfigLoader(interpolation: interpolation)
        let unset = try loader.load(yaml: Self.sinks.replacing(", encoding: ENCODING", with: ""))
        #expect(encodings(unset) == [.compact, .compact, .compact, .compact])
        let set = try loader.load(yaml: Self.sinks.replacing("ENCODING", with: encoding.rawValue))
        #expect(encodings(set) == [encoding, encoding, encoding, encoding])
    }

    @Test("a value other than compact or full is a problem at the sink's encoding path")
    func badValue() throws {
        let yaml = Self.sinks.replacing("ENCODING", with: "verbose")
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
        }
        let paths = Set(error?.problems.map(\.path) ?? [])
        #expect(paths == ["sinks.splunk.encoding", "sinks.dd.encoding", "sinks.sumo.encoding", "sinks.es.encoding"])
        #expect(
            error?.problems.allSatisfy { $0.message == #"expected compact or full, found "verbose""# } == true,
            "\(error?.description ?? "")")
    }
}
