import Foundation
import Logging
import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayState
import RelayTesting
import Synchronization
import Testing

/// A pipeline's observable parts without a pipeline: alerts are driven by marking them directly.
struct AlertFixture: Sendable {
    let clock = ManualClock()
    let telemetry = PipelineTelemetry()
    let health = SinkHealth()
    let store: SQLiteStateStore
    let directory: String

    static func with<T: Sendable>(_ body: @Sendable (AlertFixture) async throws -> T) async throws -> T {
        let scratch = try ScratchDirectory("alerts")
        defer { scratch.remove() }
        let directory = scratch.path
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory + "/state.sqlite"))
        return try await body(AlertFixture(store: store, directory: directory))
    }

    func service(_ configuration: AlertsConfiguration, logger: Logger = PipelineHarness.logger) -> AlertService {
        AlertService(
            configuration: configuration, sinks: ["splunk"], sources: ["genesys"], pullSources: ["genesys"],
            store: store,
            telemetry: telemetry, health: health, clock: clock, logger: logger
        )
    }
}

@Suite("Alert service")
struct AlertServiceTests {
    static let retry = RetryPolicy(maxAttempts: 4, initialBackoff: .seconds(2), maxBackoff: .seconds(8))

    @Test("a failing target is retried with backoff while the other targets get the alert at once")
    func failingTargetDoesNotBlock() async throws {
        let good = WebhookReceiver()
        let flaky = WebhookReceiver()
        flaky.failNext([.status(503), .dropConnection])
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: good, logger: PipelineHarness.logger) { goodURL in
                try await Sandbox.withRunning(webhook: flaky, logger: PipelineHarness.logger) { flakyURL in
                    let configuration = AlertsConfiguration(
                        targets: [
                            AlertTarget(name: "flaky", kind: .webhook, url: flakyURL + "/hook"),
                            AlertTarget(name: "good", kind: .webhook, url: goodURL + "/hook"),
                        ],
                        retry: Self.retry)
                    fixture.health.markRejected("splunk", reason: "HEC rejected the token: code 4")
                    await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await fixture.service(configuration).run() }
                        // The first evaluation runs at once; the good target is not held up by the failing one.
                        await good.waitForPosts(count: 1)
                        await flaky.waitForAttempts(count: 1)
                        await fixture.clock.waitForSleepers(count: 2)  // the evaluator and the flaky sender's backoff
                        #expect(flaky.posts.isEmpty)

                        fixture.clock.advance(by: .seconds(30))
                        await flaky.waitForAttempts(count: 2)
                        await fixture.clock.waitForSleepers(count: 2)
                        fixture.clock.advance(by: .seconds(30))
                        await flaky.waitForPosts(count: 1)
                        group.cancelAll()
                    }
                }
            }
        }
        #expect(flaky.attempts == 3)
        #expect(flaky.posts.map { $0.json["alert"] } == ["credential_rejected"])
        // Evaluations during the retries did not repeat the alert.
        #expect(good.posts.count == 1)
        #expect(good.posts.first?.json["state"] == "firing")
        #expect(good.posts.first?.json["message"]?.stringValue?.contains("code 4") == true)
    }

    @Test("an alert the target keeps refusing is dropped after the attempts; later alerts still go out, in order")
    func droppedAfterAttempts() async throws {
        let good = WebhookReceiver()
        let down = WebhookReceiver()
        down.failAll(.status(500))
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: good, logger: PipelineHarness.logger) { goodURL in
                try await Sandbox.withRunning(webhook: down, logger: PipelineHarness.logger) { downURL in
                    let configuration = AlertsConfiguration(
                        targets: [
                            AlertTarget(name: "down", kind: .webhook, url: downURL + "/hook"),
                            AlertTarget(name: "good", kind: .webhook, url: goodURL + "/hook"),
                        ],
                        resolveAfter: .zero,
                        retry: RetryPolicy(maxAttempts: 2, initialBackoff: .seconds(1), maxBackoff: .seconds(1)))
                    fixture.health.markRejected("splunk", reason: "HEC rejected the token: code 4")
                    await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await fixture.service(configuration).run() }
                        await down.waitForAttempts(count: 1)
                        await fixture.clock.waitForSleepers(count: 2)
                        fixture.clock.advance(by: .seconds(5))  // second and last attempt; the evaluator stays asleep
                        await down.waitForAttempts(count: 2)
                        await fixture.clock.waitForSleepers(count: 1)

                        down.failAll(nil)
                        fixture.health.markAccepted("splunk")
                        fixture.clock.advance(by: .seconds(30))
                        await good.waitForPosts(count: 2)
                        await down.waitForPosts(count: 1)
                        group.cancelAll()
                    }
                }
            }
        }
        #expect(down.attempts == 3)
        #expect(down.posts.map { $0.json["state"] } == ["resolved"])
        #expect(good.posts.map { $0.json["state"] } == ["firing", "resolved"])
    }

    @Test("a refused alert (4xx) is not retried")
    func permanentRefusal() async throws {
        let receiver = WebhookReceiver()
        receiver.failNext([.status(400)])
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
                let target = AlertTarget(name: "ops", kind: .webhook, url: url + "/hook")
                let sender = AlertSender(
                    target: target, configuration: AlertsConfiguration(targets: [target]), transport: .init(),
                    clock: fixture.clock,
                    logger: PipelineHarness.logger)
                let notification = AlertNotification(
                    condition: .sink(.deadLetters, "splunk"), state: .firing, message: "m", at: fixture.clock.now)
                #expect(await sender.deliver(notification) == false)
                #expect(await sender.deliver(notification) == true)
            }
        }
        #expect(receiver.attempts == 2)
        #expect(receiver.posts.count == 1)
    }

    @Test("neither the routing key nor a webhook URL's path appears in any log line")
    func noSecretsInLogs() async throws {
        let receiver = WebhookReceiver(successStatus: 202)
        receiver.failNext([.dropConnection, .status(503), .dropConnection, .status(503)])
        let logs = RecordingLogs()
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
                let configuration = AlertsConfiguration(
                    targets: [
                        AlertTarget(name: "chat", kind: .slack, url: url + "/services/T0/B0/slack-secret-path"),
                        AlertTarget(
                            name: "pager", kind: .pagerduty, url: url + "/v2/enqueue",
                            routingKey: "pd-secret-routing-key"),
                    ],
                    retry: Self.retry)
                fixture.telemetry.recordCycle(source: "genesys", error: "POST /oauth/token answered status 500")
                fixture.telemetry.recordDeadLetters(sink: "splunk", count: 3, error: "HEC code 6")
                await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await fixture.service(configuration, logger: logs.logger).run() }
                    // Whenever a sender is in backoff (besides the sleeping evaluator), let the backoff pass.
                    group.addTask {
                        while !Task.isCancelled {
                            await fixture.clock.waitForSleepers(count: 2)
                            if Task.isCancelled { break }
                            fixture.clock.advance(by: .seconds(10))
                            await Task.yield()
                        }
                    }
                    await receiver.waitForPosts(count: 2)
                    group.cancelAll()
                }
            }
        }
        let pager = try #require(receiver.posts.first { $0.path == "/v2/enqueue" })
        #expect(pager.json["routing_key"] == "pd-secret-routing-key")
        let lines = logs.all
        #expect(lines.contains { $0.contains("retrying") })
        #expect(!lines.contains { $0.contains("pd-secret-routing-key") })
        #expect(!lines.contains { $0.contains("slack-secret-path") })
    }

    @Test("an outbox older than the limit alerts once and resolves when it drains")
    func outboxAge() async throws {
        let receiver = WebhookReceiver()
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
                let configuration = AlertsConfiguration(
                    targets: [AlertTarget(name: "ops", kind: .webhook, url: url + "/hook")],
                    outboxAgeLimit: .seconds(60),
                    resolveAfter: .zero)
                let record = PendingRecord(
                    eventID: "e1", timestamp: fixture.clock.now.timestamp, platform: .genesys,
                    payload: Array("{}".utf8),
                    sinks: ["splunk"])
                _ = try await fixture.store.append([record], deadLetters: [], checkpoint: nil, now: fixture.clock.now)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await fixture.service(configuration).run() }
                    for _ in 0..<4 {
                        await fixture.clock.waitForSleepers(count: 1)
                        fixture.clock.advance(by: .seconds(30))
                    }
                    await receiver.waitForPosts(count: 1)
                    let rows = try await fixture.store.claim(
                        sink: "splunk", maxEvents: 10, maxBytes: 1 << 20, now: fixture.clock.now,
                        leaseUntil: fixture.clock.now.advanced(by: .seconds(600)))
                    try await fixture.store.acknowledge(sink: "splunk", ids: rows.map(\.id))
                    await fixture.clock.waitForSleepers(count: 1)
                    fixture.clock.advance(by: .seconds(30))
                    await receiver.waitForPosts(count: 2)
                    group.cancelAll()
                }
            }
        }
        #expect(receiver.posts.map { $0.json["alert"] } == ["outbox_age", "outbox_age"])
        #expect(receiver.posts.map { $0.json["state"] } == ["firing", "resolved"])
        #expect(receiver.posts.first?.json["component"] == "sink:splunk")
    }

    @Test("a source failing longer than the threshold alerts once, after the threshold")
    func sourceFailing() async throws {
        let receiver = WebhookReceiver()
        try await AlertFixture.with { fixture in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
                let configuration = AlertsConfiguration(
                    targets: [AlertTarget(name: "ops", kind: .webhook, url: url + "/hook")],
                    sourceFailingAfter: .seconds(120))
                fixture.telemetry.recordCycle(source: "genesys", error: "POST /oauth/token answered status 500")
                await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await fixture.service(configuration).run() }
                    for _ in 0..<3 {
                        await fixture.clock.waitForSleepers(count: 1)
                        #expect(receiver.posts.isEmpty)
                        fixture.clock.advance(by: .seconds(30))
                        fixture.telemetry.recordCycle(source: "genesys", error: "POST /oauth/token answered status 500")
                    }
                    await fixture.clock.waitForSleepers(count: 1)
                    fixture.clock.advance(by: .seconds(30))  // 120 s after the first failing evaluation
                    await receiver.waitForPosts(count: 1)
                    group.cancelAll()
                }
            }
        }
        let post = try #require(receiver.posts.first)
        #expect(post.json["alert"] == "source_failing")
        #expect(post.json["component"] == "source:genesys")
        #expect(post.json["message"]?.stringValue?.contains("failed 4 cycle(s) in a row") == true)
    }
}
