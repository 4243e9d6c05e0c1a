import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import Testing

@Suite("Routes with patterns, and redaction")
struct RoutingAndRedactionTests {
    func yaml(_ harness: PipelineHarness, routes: String, redaction: String = "") -> String {
        """
        state: {sqlite: {path: \(harness.directory)/state.sqlite}}
        sources:
          genesys: {type: genesys_audit, base_url: "\(harness.endpoints.genesysURL)", client_id: \(harness.org.configuration.clientID), client_secret: "${GENESYS_SECRET}"}
        sinks:
          queues: {type: splunk_hec, endpoint: "\(harness.endpoints.hecURL)", token: "${HEC_TOKEN}", index: ccas}
          rest: {type: splunk_hec, endpoint: "\(harness.endpoints.hecURL)", token: "${HEC_TOKEN}", index: main}
        routes:
        \(routes)
        \(redaction)
        """
    }

    @Test("a pattern route takes the events it matches; the default route takes the rest")
    func patternAndDefaultRoutes() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 400)
            harness.clock.advance(by: .seconds(1))
            let routes = """
                  queue_changes:
                    from: [genesys]
                    pattern: {source_kind: [audit], event_type: [{prefix: QUEUE_}]}
                    to: [queues]
                  default:
                    to: [rest]
                """
            let configuration = try ConfigLoader(interpolation: harness.interpolation).load(
                yaml: yaml(harness, routes: routes))
            let runtime = try RelayRuntime(
                configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
            #expect(try await harness.runOnce(runtime).succeeded)

            let events = harness.hec.events
            let queues = events.filter { $0.index == "ccas" }
            let rest = events.filter { $0.index == "main" }
            #expect(!queues.isEmpty)
            #expect(!rest.isEmpty)
            #expect(queues.allSatisfy { $0.searchEvent["event_type"]?.stringValue?.hasPrefix("QUEUE_") == true })
            #expect(rest.allSatisfy { $0.searchEvent["event_type"]?.stringValue?.hasPrefix("QUEUE_") == false })
            #expect(harness.verification.missing == 0)
            #expect(harness.verification.duplicates == 0)
        }
    }

    @Test("hashing without a long enough key is a configuration error")
    func shortRedactionKey() async throws {
        try await PipelineHarness.with { harness in
            let redaction = """
                redaction:
                  key: short
                  fields: {attributes.ani: hash}
                """
            let error = #expect(throws: ConfigError.self) {
                try ConfigLoader(interpolation: harness.interpolation).load(
                    yaml: yaml(harness, routes: "  all: {to: [queues]}", redaction: redaction))
            }
            #expect(error?.problems.map(\.path) == ["redaction.key"])
            #expect(error?.description.contains("short") == false)
        }
    }

    @Test("an invalid pattern is a configuration error at its YAML path")
    func invalidPattern() async throws {
        try await PipelineHarness.with { harness in
            let routes = """
                  r:
                    pattern: {event_type: [{prefix: 5}]}
                    to: [queues]
                """
            let error = #expect(throws: ConfigError.self) {
                try ConfigLoader(interpolation: harness.interpolation).load(yaml: yaml(harness, routes: routes))
            }
            #expect(error?.problems.contains { $0.path.hasPrefix("routes.r.pattern.event_type") } == true)
        }
    }

    @Test("redacted fields never reach a sink: hashed ones are stable pseudonyms, dropped ones are gone")
    func redaction() async throws {
        try await PipelineHarness.with { harness in
            harness.org.insert(
                auditRecord(id: "redact-1", eventDate: harness.clock.now.timestamp.iso8601),
                visibleAt: harness.clock.now)
            harness.org.insert(
                auditRecord(id: "redact-2", eventDate: harness.clock.now.timestamp.iso8601),
                visibleAt: harness.clock.now)
            harness.clock.advance(by: .seconds(1))
            let redaction = """
                redaction:
                  key: "${GENESYS_SECRET}-and-some-more-key-material"
                  fields:
                    actor_name: hash
                    attributes.remoteIp: drop
                """
            let configuration = try ConfigLoader(interpolation: harness.interpolation).load(
                yaml: yaml(harness, routes: "  all: {to: [queues]}", redaction: redaction))
            let runtime = try RelayRuntime(
                configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
            #expect(try await harness.runOnce(runtime).succeeded)

            let events = harness.hec.events
            #expect(events.count == 2)
            let names = Set(events.compactMap { $0.searchEvent["actor_name"]?.stringValue })
            #expect(names.count == 1)
            #expect(names.first?.hasPrefix("hmac-sha256:") == true)
            for event in events {
                #expect(event.searchEvent["attributes"]?["remoteIp"] == nil)
                let text = JSONWriter.string(event.event)
                #expect(!text.contains("Ada Admin"))
                #expect(!text.contains("203.0.113.7"))
            }
        }
    }
}
