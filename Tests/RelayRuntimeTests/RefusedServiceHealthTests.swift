import Logging
import RelayAlerts
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayObservability

/// A source whose platform refuses one of its services (partition) while the others flow: counted
/// per service, shown as retrying with the service named, and alerted as `source_failing`.
@Suite("Refused service of a pull source")
struct RefusedServiceHealthTests {
    static let refused = ["Quality": "POST /api/v2/audits/query/realtime answered status 400"]

    @Test("each cycle with a refused service counts it under source and service; the state names it")
    func countedAndShown() {
        let exporter = MetricsExporter()
        let telemetry = PipelineTelemetry(metricsFactory: exporter.factory)
        for _ in 0..<2 {
            telemetry.recordCycle(source: "genesys", error: nil)
            telemetry.recordPartitionFailures(source: "genesys", failures: Self.refused)
        }
        let text = exporter.exposition()
        let line = #"ccrelay_source_service_failures_total{service="Quality",source="genesys"} 2"#
        let reordered = #"ccrelay_source_service_failures_total{source="genesys",service="Quality"} 2"#
        #expect(text.contains(line + "\n") || text.contains(reordered + "\n"), "missing in:\n\(text)")
        let counters = telemetry.source("genesys")
        #expect(ComponentState.of(source: counters, halted: false, lastHour: 5) == .retrying)
        #expect(counters.partitionFailureSummary == "service Quality: " + Self.refused["Quality"]!)

        telemetry.recordCycle(source: "genesys", error: nil)
        telemetry.recordPartitionFailures(source: "genesys", failures: [:])
        #expect(ComponentState.of(source: telemetry.source("genesys"), halted: false, lastHour: 5) == .ok)
        #expect(telemetry.source("genesys").partitionFailureSummary == nil)
    }

    @Test("a service refused longer than the threshold raises source_failing naming the service")
    func alertNamesTheService() async throws {
        let receiver = WebhookReceiver()
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
                let configuration = AlertsConfiguration(
                    targets: [AlertTarget(name: "ops", kind: .webhook, url: url + "/hook")],
                    sourceFailingAfter: .seconds(60))
                fixture.telemetry.recordCycle(source: "genesys", error: nil)
                fixture.telemetry.recordPartitionFailures(source: "genesys", failures: Self.refused)
                await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await fixture.service(configuration).run() }
                    await fixture.clock.waitForSleepers(count: 1)
                    #expect(receiver.posts.isEmpty)
                    fixture.clock.advance(by: .seconds(30))
                    await fixture.clock.waitForSleepers(count: 1)
                    fixture.clock.advance(by: .seconds(30))
                    await receiver.waitForPosts(count: 1)
                    group.cancelAll()
                }
            }
        }
        let post = try #require(receiver.posts.first)
        #expect(post.json["alert"] == "source_failing")
        #expect(post.json["component"] == "source:genesys")
        #expect(
            post.json["message"]?.stringValue?.contains("service Quality: POST /api/v2/audits/query/realtime") == true)
    }
}
