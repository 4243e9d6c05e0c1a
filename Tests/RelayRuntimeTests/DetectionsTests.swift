import RelayConfig
import RelayCore
import RelayRuntime
import RelayTesting
import Testing
import Yams

@Suite struct DetectionsTests {
    static func read(_ yaml: String, targets: [String] = ["sec", "pager"]) throws -> ([Detection], [ConfigProblem]) {
        let diagnostics = ConfigDiagnostics()
        let node = ConfigNode(
            node: try #require(try Yams.compose(yaml: yaml)), path: "detections", diagnostics: diagnostics,
            interpolation: Interpolation(environment: { _ in nil }))
        return (DetectionsConfigReader.read(node, alertTargets: targets), diagnostics.problems)
    }

    static func event(id: String = "e-1", type: String = "OAUTHCLIENT_VIEWED", actor: String = "u-1") -> Event {
        Event(
            eventID: id, timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000), platform: .genesys,
            sourceKind: "audit", eventType: type, actorID: actor, targetID: "oc-7", targetType: "OAuthClient")
    }

    static let oauth = """
        oauth:
          pattern: {source_kind: [audit], event_type: [OAUTHCLIENT_VIEWED]}
          severity: critical
          targets: [sec, pager]
          throttle: {group_by: [actor_id], suppress_secs: 600}
        """

    @Test func readsADetectionAndMatchesOnlyItsEvents() throws {
        let (detections, problems) = try Self.read(Self.oauth)
        #expect(problems.isEmpty)
        let detection = try #require(detections.first)
        #expect(detection.name == "oauth")
        #expect(detection.severity == .critical)
        #expect(detection.targets == ["sec", "pager"])
        #expect(detection.throttle == Detection.Throttle(groupBy: ["actor_id"], suppress: .seconds(600)))
        #expect(detection.matches(Self.event()))
        #expect(!detection.matches(Self.event(type: "ROLE_UPDATED")))
    }

    @Test func problemsNameTheirPath() throws {
        let yaml = """
            bad:
              pattern: {event_type: {prefix: X}}
              severity: loud
              targets: [sec, nowhere]
            """
        let (detections, problems) = try Self.read(yaml)
        #expect(detections.isEmpty)
        let paths = problems.map(\.path)
        #expect(paths.contains { $0.hasPrefix("detections.bad.pattern") })
        #expect(paths.contains("detections.bad.severity"))
        #expect(paths.contains("detections.bad.targets[1]"))
        #expect(problems.contains { $0.message.contains("\"nowhere\"") })
        #expect(problems.contains { $0.message.contains("\"loud\"") })
    }

    @Test func missingKeysAreReported() throws {
        let (detections, problems) = try Self.read("quiet: {severity: info}")
        #expect(detections.isEmpty)
        #expect(Set(problems.map(\.path)) == ["detections.quiet.pattern", "detections.quiet.targets"])
    }

    @Test func loaderChecksTargetsAgainstAlerts() throws {
        let base = """
            allow_inline_secrets: true
            sources: {f: {type: firehose, access_keys: [firehose-key-0001]}}
            sinks: {s: {type: stdout}}
            alerts: {targets: {sec: {type: webhook, url: "https://hooks.example.com/x"}}}
            detections:
            """
        let loader = ConfigLoader(interpolation: Interpolation(environment: { _ in nil }))
        let error = #expect(throws: ConfigError.self) {
            try loader.load(
                yaml: base + "\n  oauth: {pattern: {source_kind: [audit]}, severity: info, targets: [pager]}")
        }
        #expect(error?.problems.map(\.path) == ["detections.oauth.targets[0]"])
        let configuration = try loader.load(
            yaml: base + "\n  oauth: {pattern: {source_kind: [audit]}, severity: info, targets: [sec]}")
        #expect(configuration.detections.map(\.name) == ["oauth"])
        #expect(configuration.warnings.isEmpty)
    }
}
