import RelayConfig
import RelayCore
import RelayDemo
import RelayRuntime
import RelaySandbox
import Testing

/// The demo's Genesys org delivered through a real runtime to the OTLP collector emulator (beside
/// HEC), through throttling (429) and an outage (503), both with `Retry-After`.
@Suite("OTLP delivery end to end")
struct OTLPDeliveryTests {
    @Test("every generated audit record reaches the collector once: 429 and 503 waited out, missing 0")
    func demoDelivers() async throws {
        let collector = OTLPCollectorEmulator()
        collector.injectFaults([.tooManyRequests(retryAfterSeconds: 2), .unavailable(retryAfterSeconds: 1)])
        try await PipelineHarness.with { harness in
            try await Sandbox.withRunning(otlp: collector, logger: PipelineHarness.logger) { otlpURL in
                harness.org.generate(count: 250)
                harness.clock.advance(by: .seconds(1))
                let yaml =
                    harness.configurationYAML(batchMaxEvents: 100).replacingOccurrences(
                        of: "to: [splunk]", with: "to: [splunk, otlp]")
                        + """

                          otlp:
                            type: otlp
                            endpoint: \(otlpURL)
                            headers: {x-honeycomb-team: \(OTLPCollectorConfiguration.defaultAPIKey)}
                            batch: {max_events: 100, timeout_secs: 1}
                        """
                let configuration = try ConfigLoader(interpolation: harness.interpolation).load(yaml: yaml)
                let runtime = try RelayRuntime(
                    configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
                let report = try await harness.runOnce(runtime)
                #expect(report.deadLettered == 0)
                let verdict = DemoVerification.compare(
                    generatedNativeIDs: harness.org.generatedIDs,
                    indexedEventIDs: collector.records.compactMap(\.eventID))
                #expect(verdict == DemoVerification(generated: 250, delivered: 250, duplicates: 0, missing: 0))
                #expect(harness.verification.missing == 0, "HEC beside it got everything too")
                #expect(collector.stats.faultsServed == 2)
            }
        }
    }
}
