import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import Testing

@Suite("Alert configuration")
struct AlertConfigTests {
    static let base = """
        allow_inline_secrets: true
        sources:
          g: {type: genesys_audit, client_id: a, client_secret: b}
        sinks:
          s: {type: splunk_hec, endpoint: "https://hec.example.com:8088", token: t}

        """

    let interpolation = Interpolation(environment: { name in
        switch name {
        case "PD_KEY": "pd-secret-routing-key"
        case "SLACK_URL": "https://hooks.slack.com/services/T0/B0/slack-secret-path"
        default: nil
        }
    })

    func load(_ alerts: String) throws(ConfigError) -> RelayConfiguration {
        try ConfigLoader(interpolation: interpolation).load(yaml: Self.base + alerts)
    }

    func problems(_ alerts: String) -> [ConfigProblem] {
        do {
            _ = try load(alerts)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("no alerts section: no alerts")
    func absent() throws {
        #expect(try load("").alerts == nil)
    }

    @Test("targets of every type, with the documented defaults")
    func targetsAndDefaults() throws {
        let configuration = try load(
            """
            alerts:
              targets:
                ops: {type: webhook, url: "https://alerts.example.com/hook?team=cc"}
                chat: {type: slack, url: "${SLACK_URL}"}
                pager: {type: pagerduty, routing_key: "${PD_KEY}"}
            """)
        let alerts = try #require(configuration.alerts)
        #expect(
            alerts.targets == [
                AlertTarget(name: "ops", kind: .webhook, url: "https://alerts.example.com/hook?team=cc"),
                AlertTarget(
                    name: "chat", kind: .slack, url: "https://hooks.slack.com/services/T0/B0/slack-secret-path"),
                AlertTarget(
                    name: "pager", kind: .pagerduty, url: AlertTarget.pagerDutyEventsURL,
                    routingKey: "pd-secret-routing-key"),
            ])
        #expect(alerts.sourceFailingAfter == .seconds(900))
        #expect(alerts.outboxAgeLimit == .seconds(600))
        #expect(alerts.evaluateInterval == .seconds(30))
        #expect(alerts.resolveAfter == .seconds(300))
        #expect(alerts.retry == AlertsConfiguration.defaultRetry)
    }

    @Test("thresholds and retry are read")
    func thresholds() throws {
        let alerts = try #require(
            try load(
                """
                alerts:
                  targets: {ops: {type: webhook, url: "http://127.0.0.1:9/x"}}
                  source_failing_secs: 120
                  outbox_age_secs: 60
                  evaluate_interval_secs: 5
                  resolve_after_secs: 0
                  retry: {max_attempts: 2, initial_backoff_secs: 1, max_backoff_secs: 4}
                """
            ).alerts)
        #expect(alerts.sourceFailingAfter == .seconds(120))
        #expect(alerts.outboxAgeLimit == .seconds(60))
        #expect(alerts.evaluateInterval == .seconds(5))
        #expect(alerts.resolveAfter == .zero)
        #expect(alerts.retry == RetryPolicy(maxAttempts: 2, initialBackoff: .seconds(1), maxBackoff: .seconds(4)))
    }

    @Test("every problem is reported with its path, and no secret appears in any message")
    func problemsWithPaths() {
        let found = problems(
            """
            alerts:
              targets:
                pager: {type: pagerduty}
                chat: {type: slack, url: "${SLACK_URL}", routing_key: "${PD_KEY}"}
                odd: {type: email, url: "https://x.example.com"}
                nourl: {type: webhook}
                bad: {type: webhook, url: "ftp://x"}
              evaluate_interval_secs: 0
              outbox_age: 10
            """)
        let paths = Set(found.map(\.path))
        #expect(paths.contains("alerts.targets.pager.routing_key"))
        #expect(paths.contains("alerts.targets.chat.routing_key"))
        #expect(paths.contains("alerts.targets.odd.type"))
        #expect(paths.contains("alerts.targets.nourl.url"))
        #expect(paths.contains("alerts.targets.bad.url"))
        #expect(paths.contains("alerts.evaluate_interval_secs"))
        #expect(paths.contains("alerts.outbox_age"))
        let text = found.map(\.description).joined(separator: "\n")
        #expect(!text.contains("pd-secret-routing-key"))
        #expect(!text.contains("slack-secret-path"))
    }

    @Test("an alerts section without targets is a problem")
    func targetsRequired() {
        #expect(problems("alerts:\n  outbox_age_secs: 60\n").map(\.path) == ["alerts.targets"])
    }
}
