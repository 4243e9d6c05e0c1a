import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import Testing

@Suite("Alert payloads")
struct AlertPayloadTests {
    let at = WallInstant(sinceEpoch: .seconds(1_767_225_600))
    var firing: AlertNotification {
        AlertNotification(
            condition: .sink(.deadLetters, "splunk"), state: .firing,
            message: "10 event(s) dead-lettered by sink splunk", at: at)
    }
    var resolved: AlertNotification {
        AlertNotification(
            condition: .sink(.deadLetters, "splunk"), state: .resolved, message: "recovered: 10 event(s)", at: at)
    }

    @Test("generic webhook: {alert, state, component, message, at}")
    func generic() {
        let target = AlertTarget(name: "ops", kind: .webhook, url: "https://hooks.example.com/ccrelay")
        let body = AlertPayload.body(for: firing, target: target)
        #expect(body.objectValue?.members.map(\.key).sorted() == ["alert", "at", "component", "message", "state"])
        #expect(body["alert"] == "dead_letters")
        #expect(body["state"] == "firing")
        #expect(body["component"] == "sink:splunk")
        #expect(body["message"] == "10 event(s) dead-lettered by sink splunk")
        #expect(body["at"] == "2026-01-01T00:00:00.000Z")
        #expect(AlertPayload.body(for: resolved, target: target)["state"] == "resolved")
    }

    @Test("Slack incoming webhook: only {text}, saying what, where and whether it fires or resolved")
    func slack() throws {
        let target = AlertTarget(name: "chat", kind: .slack, url: "https://hooks.slack.com/services/T0/B0/XYZ")
        let body = AlertPayload.body(for: firing, target: target)
        #expect(body.objectValue?.members.map(\.key) == ["text"])
        let text = try #require(body["text"]?.stringValue)
        #expect(text.contains("FIRING") && text.contains("dead_letters") && text.contains("sink:splunk"))
        #expect(text.contains("10 event(s) dead-lettered"))
        let recovered = try #require(AlertPayload.body(for: resolved, target: target)["text"]?.stringValue)
        #expect(recovered.contains("RESOLVED"))
    }

    @Test("PagerDuty Events API v2: trigger and resolve share the dedup_key; payload has summary, source, severity")
    func pagerDuty() {
        let target = AlertTarget(
            name: "pager", kind: .pagerduty, url: AlertTarget.pagerDutyEventsURL, routingKey: "R0UT1NGKEY")
        let trigger = AlertPayload.body(for: firing, target: target)
        let resolve = AlertPayload.body(for: resolved, target: target)
        #expect(trigger["routing_key"] == "R0UT1NGKEY")
        #expect(trigger["event_action"] == "trigger")
        #expect(resolve["event_action"] == "resolve")
        #expect(trigger["dedup_key"] == "ccrelay/dead_letters/sink:splunk")
        #expect(trigger["dedup_key"] == resolve["dedup_key"])
        #expect(trigger["payload"]?["summary"]?.stringValue?.contains("10 event(s) dead-lettered") == true)
        #expect(trigger["payload"]?["source"] == "ccrelay/sink:splunk")
        #expect(trigger["payload"]?["severity"] == "error")
    }

    @Test("PagerDuty severity follows the kind, and the summary stays within 1024 characters")
    func pagerDutyLimits() {
        let target = AlertTarget(name: "pager", kind: .pagerduty, url: AlertTarget.pagerDutyEventsURL, routingKey: "k")
        let credential = AlertNotification(
            condition: .sink(.credentialRejected, "splunk"), state: .firing,
            message: String(repeating: "x", count: 5000), at: at)
        let body = AlertPayload.body(for: credential, target: target)
        #expect(body["payload"]?["severity"] == "critical")
        #expect(body["payload"]?["summary"]?.stringValue?.count == 1024)
        let stale = AlertNotification(condition: .sink(.outboxStale, "splunk"), state: .firing, message: "old", at: at)
        #expect(AlertPayload.body(for: stale, target: target)["payload"]?["severity"] == "warning")
    }

    @Test("log lines name a target by scheme and host only")
    func loggableHost() {
        #expect(
            AlertTarget(name: "c", kind: .slack, url: "https://hooks.slack.com/services/T0/B0/XYZ").loggableHost
                == "https://hooks.slack.com")
        #expect(
            AlertTarget(name: "w", kind: .webhook, url: "http://user:pw@127.0.0.1:8080/x?token=s").loggableHost
                == "http://127.0.0.1:8080")
    }
}
