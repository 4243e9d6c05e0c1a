import RelayTesting
import Testing

/// The shared sink contract (``SinkCompliance``) for Splunk HEC (with and without acks), Datadog,
/// Sumo Logic, the file sink and stdout; every check that applies to a sink runs as its own case.
@Suite("Sink compliance", .timeLimit(.minutes(2)))
struct SinkComplianceTests {
    @Test("the sink keeps the contract", arguments: SinkCompliance.cases(ComplianceSubjects.all))
    func compliance(_ testCase: SinkCompliance.Case) async throws {
        try await SinkCompliance.run(testCase)
    }
}
