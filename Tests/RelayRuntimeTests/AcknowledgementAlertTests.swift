import RelayAlerts
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@Suite("Acknowledgements failing alert")
struct AcknowledgementAlertTests {
    @Test("three failed acknowledgement polls in a row fire acknowledgements_failing; a successful poll resolves it")
    func firesAndResolves() async throws {
        let receiver = WebhookReceiver()
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
                let configuration = AlertsConfiguration(
                    targets: [AlertTarget(name: "ops", kind: .webhook, url: url + "/hook")], resolveAfter: .zero)
                for _ in 0..<2 {
                    fixture.telemetry.recordAckPoll(sink: "splunk", failure: "ack query answered HTTP 503")
                }
                await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await fixture.service(configuration).run() }
                    await fixture.clock.waitForSleepers(count: 1)
                    #expect(receiver.posts.isEmpty)  // two failures are not yet an outage
                    fixture.telemetry.recordAckPoll(sink: "splunk", failure: "ack query answered HTTP 503")
                    fixture.clock.advance(by: .seconds(30))
                    await receiver.waitForPosts(count: 1)
                    await fixture.clock.waitForSleepers(count: 1)
                    fixture.telemetry.recordAckPoll(sink: "splunk", failure: nil)
                    fixture.clock.advance(by: .seconds(30))
                    await receiver.waitForPosts(count: 2)
                    group.cancelAll()
                }
            }
        }
        #expect(receiver.posts.map { $0.json["alert"] } == ["acknowledgements_failing", "acknowledgements_failing"])
        #expect(receiver.posts.map { $0.json["state"] } == ["firing", "resolved"])
        #expect(receiver.posts.first?.json["component"] == "sink:splunk")
        #expect(receiver.posts.first?.json["message"]?.stringValue?.contains("failed 3 time(s) in a row") == true)
    }
}
