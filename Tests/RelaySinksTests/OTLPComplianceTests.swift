import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// The OTLP sink against the collector emulator: throttled (429 with `Retry-After`), refused (400
/// with a `Status` body), its API key unknown.
struct OTLPHarness: SinkComplianceHarness {
    var name: String { "OTLP/HTTP" }
    var hasPermanentFailure: Bool { true }
    var hasCredential: Bool { true }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let collector = OTLPCollectorEmulator()
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            @Sendable func makeSink(apiKey: String = OTLPCollectorConfiguration.defaultAPIKey) -> any Sink {
                OTLPLogsSink(
                    configuration: OTLPLogsSinkConfiguration(
                        name: SinkComplianceKit.sinkName, endpoint: url,
                        headers: ["x-honeycomb-team": Credential(apiKey)], requestTimeout: .seconds(10)),
                    transport: HTTPTransport(), logger: SinkComplianceKit.logger)
            }
            try await body(
                SinkComplianceDestination(
                    makeSink: { _ in makeSink() },
                    arrived: { collector.records.compactMap(\.eventID) },
                    failRetriably: { collector.injectFaults([.tooManyRequests(retryAfterSeconds: 5)]) },
                    permanentFailure: { _ in
                        collector.injectFaults([.badRequest])
                        return (makeSink(), "request could not be decoded")
                    },
                    credentialFailure: { _ in makeSink(apiKey: "not-an-otlp-key") }
                ))
        }
    }
}

/// The shared sink contract (``SinkCompliance``) for the OTLP sink.
@Suite("OTLP sink compliance", .timeLimit(.minutes(2)))
struct OTLPComplianceTests {
    @Test("the OTLP sink keeps the contract", arguments: SinkCompliance.cases([OTLPHarness()]))
    func compliance(_ testCase: SinkCompliance.Case) async throws {
        try await SinkCompliance.run(testCase)
    }
}
