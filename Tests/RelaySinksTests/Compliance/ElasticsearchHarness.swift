import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting

/// Elasticsearch against its emulator: 429 for the retriable fault, a mapping that refuses every
/// event (`event_id` mapped as a number) for the permanent one, an unknown API key for the credential.
struct ElasticsearchHarness: SinkComplianceHarness {
    var name: String { "Elasticsearch" }
    var hasPermanentFailure: Bool { true }
    var hasCredential: Bool { true }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let cluster = ElasticsearchEmulator()
        try await Sandbox.withRunning(elasticsearch: cluster, logger: SinkComplianceKit.logger) { url in
            @Sendable func makeSink(
                index: String = ElasticsearchSinkConfiguration.defaultIndex,
                apiKey: String = ElasticsearchConfiguration.defaultAPIKey
            ) -> any Sink {
                ElasticsearchSink(
                    configuration: ElasticsearchSinkConfiguration(
                        name: SinkComplianceKit.sinkName, endpoint: url, index: index,
                        auth: .apiKey(Credential(apiKey)),
                        requestTimeout: .seconds(10)),
                    transport: HTTPTransport(), logger: SinkComplianceKit.logger)
            }
            try await body(
                SinkComplianceDestination(
                    makeSink: { _ in makeSink() },
                    arrived: { cluster.documents.compactMap(\.eventID) },
                    failRetriably: { cluster.injectFaults([.throttled(retryAfterSeconds: 5)]) },
                    permanentFailure: { _ in
                        cluster.map(index: "logs-refused-default", field: "event_id", as: "number")
                        return (makeSink(index: "logs-refused-default"), "document_parsing_exception")
                    },
                    credentialFailure: { _ in makeSink(apiKey: "bm90LWEta2V5") }
                ))
        }
    }
}
