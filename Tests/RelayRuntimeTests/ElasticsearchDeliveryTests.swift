import RelayConfig
import RelayCore
import RelayDemo
import RelayRuntime
import RelaySandbox
import Testing

/// The demo's Genesys org delivered through a real runtime to the Elasticsearch emulator (beside
/// HEC), through a request whose answer is lost after the cluster indexed it (the batch is resent
/// and its items answered 409), a request with throttled items (429) and an outage (503).
@Suite("Elasticsearch delivery end to end")
struct ElasticsearchDeliveryTests {
    @Test("every generated audit record is indexed once: a lost answer's resend is answered 409 and counted delivered")
    func demoDelivers() async throws {
        let cluster = ElasticsearchEmulator()
        // One batch at a time: the first request is the first batch of 100, whose answer is lost.
        cluster.injectFaults([.answerLost, .throttledItems(count: 5), .unavailable])
        try await PipelineHarness.with { harness in
            try await Sandbox.withRunning(elasticsearch: cluster, logger: PipelineHarness.logger) { clusterURL in
                harness.org.generate(count: 250)
                harness.clock.advance(by: .seconds(1))
                let yaml =
                    harness.configurationYAML(batchMaxEvents: 100).replacingOccurrences(
                        of: "to: [splunk]", with: "to: [splunk, elastic]")
                        + """

                          elastic:
                            type: elasticsearch
                            endpoint: \(clusterURL)
                            api_key: \(ElasticsearchConfiguration.defaultAPIKey)
                            batch: {max_events: 100, timeout_secs: 1, concurrency: 1}
                        """
                let configuration = try ConfigLoader(interpolation: harness.interpolation).load(yaml: yaml)
                let runtime = try RelayRuntime(
                    configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
                let report = try await harness.runOnce(runtime)
                #expect(report.succeeded)
                #expect(report.deadLettered == 0)
                let verdict = DemoVerification.compare(
                    generatedNativeIDs: harness.org.generatedIDs,
                    indexedEventIDs: cluster.documents.compactMap(\.eventID))
                #expect(verdict == DemoVerification(generated: 250, delivered: 250, duplicates: 0, missing: 0))
                #expect(harness.verification.missing == 0, "HEC beside it got everything too")
                let stats = cluster.stats
                #expect(stats.faultsServed == 3)
                #expect(stats.created == 250, "each event indexed once")
                #expect(stats.conflicts == 100, "each event of the lost answer's batch refused 409 once on resend")
                #expect(stats.itemErrors == 0)
                #expect(Set(cluster.documents.map(\.id)).count == 250, "_id is the event_id")
            }
        }
    }
}
