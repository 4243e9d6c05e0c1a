import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import Testing

/// Alerts from a real pipeline against the sandbox: Genesys org → ccrelay → HEC, alerts to a webhook receiver.
@Suite("Alerts end to end")
struct AlertPipelineTests {
    func runtime(_ harness: PipelineHarness, hookURL: String, maxAttempts: Int = 5) throws -> RelayRuntime {
        let yaml =
            harness.configurationYAML(batchMaxEvents: 100, maxAttempts: maxAttempts) + """

                alerts:
                  targets:
                    ops: {type: webhook, url: "\(hookURL)/hooks/ops"}
                  resolve_after_secs: 600
                """
        let configuration = try ConfigLoader(interpolation: harness.interpolation).load(yaml: yaml)
        return try RelayRuntime(configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
    }

    @Test(
        "HEC internal errors long enough to dead-letter three batches fire exactly one dead-letter alert, then one recovery"
    )
    func outageFiresOneAlert() async throws {
        let receiver = WebhookReceiver()
        try await PipelineHarness.with { harness in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { hookURL in
                harness.org.generate(count: 300)
                harness.clock.advance(by: .seconds(1))
                harness.hec.injectFaults(Array(repeating: .internalError, count: 9))
                let runtime = try runtime(harness, hookURL: hookURL, maxAttempts: 3)
                #expect(runtime.services().contains { $0 is AlertService })
                let report = try await harness.runOnce(runtime)
                #expect(report.deadLettered == 300)

                let alerts = AlertService(
                    configuration: try #require(runtime.configuration.alerts), runtime: runtime, clock: harness.clock,
                    logger: PipelineHarness.logger)
                await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await alerts.run() }
                    await receiver.waitForPosts(count: 1)
                    // Five more evaluations within the resolve period: nothing new.
                    for _ in 0..<5 {
                        await harness.clock.waitForSleepers(count: 1)
                        harness.clock.advance(by: .seconds(30))
                    }
                    await harness.clock.waitForSleepers(count: 1)
                    #expect(receiver.posts.count == 1)
                    // Quiet for the resolve period: one recovery.
                    harness.clock.advance(by: .seconds(600))
                    await receiver.waitForPosts(count: 2)
                    group.cancelAll()
                }
            }
        }
        let posts = receiver.posts
        #expect(posts.map { $0.json["alert"] } == ["dead_letters", "dead_letters"])
        #expect(posts.map { $0.json["state"] } == ["firing", "resolved"])
        #expect(posts.first?.json["component"] == "sink:splunk")
        #expect(
            posts.first?.json["message"]?.stringValue?.contains("300 event(s) dead-lettered by sink splunk") == true)
        #expect(posts.first?.path == "/hooks/ops")
    }
}
