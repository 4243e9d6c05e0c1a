import RelayAWS
import RelayConfig
import RelayCore
import RelayRuntime
import Testing

/// `ccrelay validate` explains the limits of issue 18 with their YAML paths.
@Suite("Intake limits in the configuration")
struct BoundedIntakeConfigTests {
    static func load(_ yaml: String) throws(ConfigError) -> RelayConfiguration {
        try ConfigLoader(interpolation: Interpolation(environment: { _ in nil })).load(yaml: yaml)
    }

    static func pipeline(firehose: String, apiDestination: String = "", state: String = "") -> String {
        """
        allow_inline_secrets: true
        \(state)
        sources:
          f: {type: firehose, access_keys: [firehose-key-0001]\(firehose)}
          e: {type: eventbridge_api_destination, auth: {type: api_key, values: [api-dest-key-0001]}\(apiDestination)}
        sinks:
          s: {type: stdout}
        """
    }

    @Test("defaults: 1,000 dead letters per request, dead letters kept 30 days; 0 keeps them")
    func defaults() throws {
        let configuration = try Self.load(Self.pipeline(firehose: ""))
        #expect(configuration.state.deadLetterRetention == .seconds(30 * 86_400))
        let kept = try Self.load(
            Self.pipeline(
                firehose: ", max_dead_letters_per_request: 0", state: "state: {dead_letter_retention_secs: 0}"))
        #expect(kept.state.deadLetterRetention == nil)
        let week = try Self.load(Self.pipeline(firehose: "", state: "state: {dead_letter_retention_secs: 604800}"))
        #expect(week.state.deadLetterRetention == .seconds(604_800))
        #expect(FirehoseReceiverConfiguration(name: "f", accessKeys: ["k"]).maxDeadLettersPerRequest == 1_000)
    }

    @Test("out-of-range limits are refused naming their YAML path")
    func problems() {
        let error = #expect(throws: ConfigError.self) {
            try Self.load(
                Self.pipeline(
                    firehose: ", max_dead_letters_per_request: -1",
                    apiDestination: ", max_dead_letters_per_request: 200000",
                    state: "state: {dead_letter_retention_secs: -5}"))
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("sources.f.max_dead_letters_per_request"))
        #expect(text.contains("sources.e.max_dead_letters_per_request"))
        #expect(text.contains("state.dead_letter_retention_secs"))
    }
}
