import Foundation
import Logging
import Metrics
import RelayAlerts
import RelayCore
import RelayHTTP
import RelayPatterns
import RelayRuntime
import RelaySandbox
import RelayState
import RelayTesting
import Testing

@Suite("Detections: alerts at the relay")
struct DetectionSinkTests {
    static let start = WallInstant(sinceEpoch: .seconds(1_767_225_600))

    static func detection(throttle: Detection.Throttle? = nil) throws -> Detection {
        let pattern: JSONValue = ["source_kind": ["audit"], "event_type": ["OAUTHCLIENT_VIEWED"]]
        return Detection(
            name: "oauth", pattern: pattern, matcher: try EventPattern(compiling: pattern), severity: .critical,
            targets: ["sec"], throttle: throttle)
    }

    static func entry(_ event: Event, id: Int64 = 1) -> OutboxEntry {
        OutboxEntry(
            id: id, eventID: event.eventID, timestamp: event.timestamp, platform: event.platform,
            payload: JSONWriter.encode(event.jsonValue), enqueuedAt: event.timestamp)
    }

    /// A sink posting to a webhook receiver, with SQLite as its throttle store.
    static func withSink(
        _ detection: Detection, clock: ManualClock,
        _ body: @Sendable (DetectionSink, WebhookReceiver) async throws -> Void
    ) async throws {
        let scratch = try ScratchDirectory("detections")
        defer { scratch.remove() }
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: scratch.path + "/state.sqlite"))
        let receiver = WebhookReceiver()
        try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
            var alerts = AlertsConfiguration(targets: [AlertTarget(name: "sec", kind: .webhook, url: url + "/hook")])
            alerts.retry = RetryPolicy(maxAttempts: 1)
            let sink = DetectionSink(
                detections: [detection], alerts: alerts, transport: HTTPTransport(), store: store, clock: clock,
                metricsFactory: NOOPMetricsHandler.instance, logger: PipelineHarness.logger)
            try await body(sink, receiver)
        }
    }

    @Test("a matching event posts one alert naming the detection and the event; others post nothing")
    func firesOnMatch() async throws {
        let clock = ManualClock(start: Self.start)
        try await Self.withSink(try Self.detection(), clock: clock) { sink, receiver in
            #expect(await sink.deliver([Self.entry(DetectionsTests.event(id: "e-1"))]) == .delivered)
            #expect(
                await sink.deliver([Self.entry(DetectionsTests.event(id: "e-2", type: "ROLE_UPDATED"))]) == .delivered)
            #expect(receiver.posts.count == 1)
            let post = try #require(receiver.posts.first)
            #expect(post.json["alert"] == "detection")
            #expect(post.json["detection"] == "oauth")
            #expect(post.json["severity"] == "critical")
            #expect(post.json["event_id"] == "e-1")
            #expect(post.json["event"]?["actor_id"] == "u-1")
            #expect(post.json["message"]?.stringValue?.contains("OAUTHCLIENT_VIEWED by u-1 on oc-7") == true)
        }
    }

    @Test("event text reaching Slack cannot mention a channel or make a link")
    func slackTextIsEscaped() throws {
        let event = Event(
            eventID: "e-9", timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000), platform: .genesys,
            sourceKind: "audit", eventType: "OAUTHCLIENT_VIEWED", actorID: "u-1",
            actorName: "<!channel> & <http://x|y>",
            targetID: "oc-7", targetType: "OAuthClient")
        let body = DetectionPayload.body(
            detection: try Self.detection(), event: event.jsonValue, eventID: "e-9",
            target: AlertTarget(name: "chat", kind: .slack, url: "https://hooks.slack.com/services/T/B/C"))
        let text = try #require(body["text"]?.stringValue)
        #expect(text.contains("&lt;!channel&gt; &amp; &lt;http://x|y&gt;"))
        #expect(!text.contains("<!channel>"))
    }

    @Test("a throttle holds back a group's alerts until its window ends, across sink instances (restarts)")
    func throttlePerGroup() async throws {
        let clock = ManualClock(start: Self.start)
        let detection = try Self.detection(throttle: .init(groupBy: ["actor_id"], suppress: .seconds(600)))
        try await Self.withSink(detection, clock: clock) { sink, receiver in
            _ = await sink.deliver([Self.entry(DetectionsTests.event(id: "a"))])
            _ = await sink.deliver([Self.entry(DetectionsTests.event(id: "b"))])  // same actor: held back
            _ = await sink.deliver([Self.entry(DetectionsTests.event(id: "c", actor: "u-2"))])
            clock.advance(by: .seconds(599))
            _ = await sink.deliver([Self.entry(DetectionsTests.event(id: "d"))])  // still held back
            clock.advance(by: .seconds(1))
            _ = await sink.deliver([Self.entry(DetectionsTests.event(id: "e"))])
            #expect(receiver.posts.compactMap { $0.json["event_id"]?.stringValue } == ["a", "c", "e"])
        }
    }

    @Test("an alert the target refuses leaves the event to be retried, and does not start the throttle")
    func refusedAlertIsRetried() async throws {
        let clock = ManualClock(start: Self.start)
        let detection = try Self.detection(throttle: .init(groupBy: ["actor_id"], suppress: .seconds(600)))
        try await Self.withSink(detection, clock: clock) { sink, receiver in
            receiver.failNext([.status(503)])
            let refused = await sink.deliver([Self.entry(DetectionsTests.event(id: "a"))])
            guard case .retriable = refused else {
                Issue.record("expected a retriable outcome, got \(refused)")
                return
            }
            #expect(await sink.deliver([Self.entry(DetectionsTests.event(id: "a"))]) == .delivered)
            #expect(receiver.posts.compactMap { $0.json["event_id"]?.stringValue } == ["a"])
        }
    }

    @Test("an event only a detection matches still takes the default route; the detection gets a copy")
    func tapsDoNotTakeEvents() throws {
        let detection = try Self.detection()
        let router = EventRouter(
            routes: [
                Route(
                    name: "audits", from: ["genesys"], to: ["splunk"],
                    matcher: try EventPattern(compiling: ["event_type": ["ROLE_UPDATED"]])),
                Route(name: Route.defaultName, from: [], to: ["archive"]),
            ],
            taps: [
                Route(
                    name: "detection:oauth", from: [], to: [DetectionSink.sinkName], pattern: detection.pattern,
                    matcher: detection.matcher)
            ])
        #expect(router.sinks(forSource: "genesys", event: DetectionsTests.event()) == ["archive", "@detections"])
        #expect(router.sinks(forSource: "genesys", event: DetectionsTests.event(type: "ROLE_UPDATED")) == ["splunk"])
    }

    @Test("through the runtime: a matching event committed twice (a redelivery) fires once, and still reaches its sink")
    func runtimeFiresOncePerEvent() async throws {
        let scratch = try ScratchDirectory("detections-runtime")
        defer { scratch.remove() }
        let receiver = WebhookReceiver()
        try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
            let yaml = """
                allow_inline_secrets: true
                state: {sqlite: {path: \(scratch.path)/state.sqlite}}
                sources: {f: {type: firehose, access_keys: [firehose-key-0001]}}
                sinks: {archive: {type: file, path: \(scratch.path)/out/events.ndjson}}
                alerts: {targets: {sec: {type: webhook, url: "\(url)/hook"}}}
                detections:
                  oauth:
                    pattern: {source_kind: [audit], event_type: [OAUTHCLIENT_VIEWED]}
                    severity: critical
                    targets: [sec]
                """
            let runtime = try RelayRuntime(
                configuration: try ConfigLoader().load(yaml: yaml), logger: PipelineHarness.logger)
            let intake = try #require(runtime.intake(forSource: "f"))
            let events = [DetectionsTests.event(id: "e-1"), DetectionsTests.event(id: "e-2", type: "ROLE_UPDATED")]
            for _ in 0..<2 {
                try await intake.commit(partition: "p", events: events, malformed: [], checkpoint: nil)
            }
            let report = try await runtime.drain(deadline: SystemClock().now.advanced(by: .seconds(60)))
            #expect(report.remaining == 0 && report.deadLettered == 0)
            #expect(receiver.posts.compactMap { $0.json["event_id"]?.stringValue } == ["e-1"])
            let delivered = try String(contentsOfFile: scratch.path + "/out/events.ndjson", encoding: .utf8)
            #expect(delivered.split(separator: "\n").count == 2)
        }
    }
}
