import RelayConfig
import RelayCore
import RelayDemo
import RelayRuntime
import RelaySandbox
import Testing

/// The demo's Genesys org delivered through a real runtime to the Microsoft Sentinel emulator
/// (beside HEC), through throttling (429 with `Retry-After`) and a token rotation (401, one new
/// token, the batch resent).
@Suite("Sentinel delivery end to end")
struct SentinelDeliveryTests {
    @Test("every generated audit record reaches the table once: 429 waited out, rotated token replaced, missing 0")
    func demoDelivers() async throws {
        try await PipelineHarness.with { harness in
            let emulator = SentinelEmulator(clock: harness.clock)
            emulator.injectFaults([.tooManyRequests(retryAfterSeconds: 2), .rotateTokens])
            let emulated = emulator.configuration
            try await Sandbox.withRunning(sentinel: emulator, logger: PipelineHarness.logger) { url in
                harness.org.generate(count: 250)
                harness.clock.advance(by: .seconds(1))
                let yaml =
                    harness.configurationYAML(batchMaxEvents: 100).replacingOccurrences(
                        of: "to: [splunk]", with: "to: [splunk, sentinel]")
                        + """

                          sentinel:
                            type: sentinel
                            endpoint: \(url)
                            authority_host: \(url)
                            dcr_immutable_id: \(emulated.dcrImmutableID)
                            tenant_id: \(emulated.tenantID)
                            client_id: \(emulated.clientID)
                            client_secret: \(emulated.clientSecrets.sorted()[0])
                            batch: {max_events: 100, timeout_secs: 1}
                        """
                let configuration = try ConfigLoader(interpolation: harness.interpolation).load(yaml: yaml)
                let runtime = try RelayRuntime(
                    configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
                let report = try await harness.runOnce(runtime)
                #expect(report.deadLettered == 0)
                let verdict = DemoVerification.compare(
                    generatedNativeIDs: harness.org.generatedIDs,
                    indexedEventIDs: emulator.rows.compactMap { $0["EventId"]?.stringValue })
                #expect(verdict == DemoVerification(generated: 250, delivered: 250, duplicates: 0, missing: 0))
                #expect(harness.verification.missing == 0, "HEC beside it got everything too")
                let stats = emulator.stats
                #expect(stats.faultsServed == 2)
                #expect(stats.unauthorized == 1, "the rotated token failed once")
                #expect(stats.tokensIssued == 2, "one token at the start, one after the rotation")
            }
        }
    }
}
