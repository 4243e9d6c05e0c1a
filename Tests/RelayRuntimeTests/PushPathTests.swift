import Foundation
import Logging
import RelayAlerts
import RelayConfig
import RelayCore
import RelayHTTP
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting
import ServiceLifecycle
import Testing

/// End to end on the push path: sandbox Firehose → ccrelay's HTTP server (Firehose receiver) →
/// SQLite outbox → sandbox Splunk HEC.
@Suite("Push path")
struct PushPathTests {
    static let accessKey = "push-test-key-0123456789"

    /// The HEC emulator, a temporary state directory and a ManualClock for the pipeline.
    struct Fixture: Sendable {
        let hec: SplunkHECEmulator
        let hecURL: String
        let directory: String
        let clock = ManualClock()

        func configuration(extraSources: String = "") throws -> RelayConfiguration {
            let yaml = """
                allow_inline_secrets: true
                state:
                  sqlite:
                    path: \(directory)/state.sqlite
                server:
                  listen: 127.0.0.1:0
                sources:
                  firehose:
                    type: firehose
                    access_keys:
                      - old-rotated-key-0123456789
                      - ${FIREHOSE_KEY}
                \(extraSources)
                sinks:
                  splunk:
                    type: splunk_hec
                    endpoint: \(hecURL)
                    token: sandbox-hec-token
                    index: ccas
                    batch:
                      max_events: 200
                      timeout_secs: 1
                """
            let interpolation = Interpolation(environment: { $0 == "FIREHOSE_KEY" ? PushPathTests.accessKey : nil })
            return try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
        }

        func runtime() throws -> RelayRuntime {
            try RelayRuntime(configuration: try configuration(), clock: clock, logger: PipelineHarness.logger)
        }
    }

    static func withFixture<T: Sendable>(_ body: @Sendable (Fixture) async throws -> T) async throws -> T {
        let hec = SplunkHECEmulator()
        let scratch = try ScratchDirectory("push")
        defer { scratch.remove() }
        let directory = scratch.path
        return try await Sandbox.withRunning(hec: hec, logger: PipelineHarness.logger) { url in
            try await body(Fixture(hec: hec, hecURL: url, directory: directory))
        }
    }

    /// Runs the runtime's HTTP server while `body` runs with the receiver's URL.
    static func serving<T: Sendable>(_ runtime: RelayRuntime, _ body: @Sendable (String) async throws -> T) async throws
        -> T
    {
        let server = try #require(runtime.httpServer)
        let group = ServiceGroup(configuration: .init(services: [server], logger: PipelineHarness.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let outcome: Result<T, any Error>
            do {
                let port = try await server.boundPort()
                outcome = .success(try await body("http://127.0.0.1:\(port)"))
            } catch {
                outcome = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try outcome.get()
        }
    }

    /// Runs `operation` while the retry sleeps of `clock` pass at once.
    static func drivingClock<T: Sendable>(_ clock: ManualClock, _ operation: @Sendable () async throws -> T)
        async throws -> T
    {
        let result = try await clock.driving(step: .seconds(1), operation)
        clock.advance(by: .seconds(1))
        return result
    }

    static func emulator(url: String, clock: ManualClock, eventsPerRecord: Int = 1) -> FirehoseDeliveryEmulator {
        FirehoseDeliveryEmulator(
            configuration: FirehoseDeliveryConfiguration(
                url: url + "/firehose", accessKey: accessKey, recordsPerRequest: 250, eventsPerRecord: eventsPerRecord),
            clock: clock, logger: PipelineHarness.logger)
    }

    @Test("a Firehose stream reaches HEC exactly once, even when the first response is lost and Firehose retries")
    func exactlyOnceWithLostResponse() async throws {
        try await Self.withFixture { fixture in
            var generator = GenesysEventBridgeGenerator(seed: 7)
            let events = generator.generate(count: 1_100, start: fixture.clock.now.timestamp)
            let runtime = try fixture.runtime()
            let firehoseClock = ManualClock()
            let firehose = try await Self.serving(runtime) { url in
                let firehose = Self.emulator(url: url, clock: firehoseClock, eventsPerRecord: 3)
                firehose.loseResponses(1)
                let delivered = try await Self.drivingClock(firehoseClock) { try await firehose.deliver(events) }
                #expect(delivered == events.count)
                return firehose
            }
            #expect(firehose.stats.lostResponses == 1)
            #expect(firehose.stats.retries >= 1, "the lost response made Firehose resend the same request id")
            #expect(firehose.acknowledged.count == events.count)

            let report = try await Self.drivingClock(fixture.clock) {
                try await runtime.drain(deadline: fixture.clock.now.advanced(by: .seconds(3600)))
            }
            #expect(report.remaining == 0)
            let indexed = fixture.hec.events.compactMap { $0.fields["event_id"]?.stringValue }
            #expect(indexed.count == events.count, "no duplicates")
            #expect(Set(indexed) == Set(events.map(\.eventID)), "nothing missing")

            let kinds = Set(fixture.hec.events.compactMap { $0.searchEvent["source_kind"]?.stringValue })
            #expect(kinds == ["audit", "conversation", "edge_metrics", "transcript"])
            let ends = fixture.hec.events.filter {
                $0.searchEvent["event_type"]?.stringValue == "CONVERSATION_CUSTOMER_END"
            }
            #expect(!ends.isEmpty)
            #expect(ends.allSatisfy { $0.searchEvent["attributes"]?["disconnect_type"]?.stringValue != nil })
        }
    }

    @Test("a request redelivered after a restart (request ids forgotten) is acknowledged and dropped by the ledger")
    func redeliveryAfterRestart() async throws {
        try await Self.withFixture { fixture in
            var generator = GenesysEventBridgeGenerator(seed: 8)
            let events = generator.generate(count: 300, start: fixture.clock.now.timestamp)
            let firehoseClock = ManualClock()
            // The first instance stores the batch, but its answer never reaches Firehose.
            let first = try fixture.runtime()
            try await Self.serving(first) { url in
                var configuration = Self.emulator(url: url, clock: firehoseClock).configuration
                configuration.retryDuration = .zero
                let lossy = FirehoseDeliveryEmulator(
                    configuration: configuration, clock: firehoseClock, logger: PipelineHarness.logger)
                lossy.loseResponses(100)
                let acknowledged = try await lossy.deliver(events)
                #expect(acknowledged == 0)
            }
            // A restarted instance receives the same events again (Firehose's retry).
            let second = try fixture.runtime()
            try await Self.serving(second) { url in
                let firehose = Self.emulator(url: url, clock: firehoseClock)
                let acknowledged = try await firehose.deliver(events)
                #expect(acknowledged == events.count)
            }
            _ = try await Self.drivingClock(fixture.clock) {
                try await second.drain(deadline: fixture.clock.now.advanced(by: .seconds(3600)))
            }
            let indexed = fixture.hec.events.compactMap { $0.fields["event_id"]?.stringValue }
            #expect(indexed.count == events.count)
            #expect(Set(indexed) == Set(events.map(\.eventID)))
            #expect(second.telemetry.source("firehose").duplicates == events.count)
        }
    }

    @Test("the server answers /healthz, GET on the receiver path, and refuses a wrong access key")
    func serverBasics() async throws {
        try await Self.withFixture { fixture in
            let runtime = try fixture.runtime()
            try await Self.serving(runtime) { url in
                let transport = RelayHTTPTransportForTests()
                let health = try await transport.status("GET", url + "/healthz")
                let check = try await transport.status("GET", url + "/firehose")
                let refused = try await transport.status(
                    "POST", url + "/firehose", headers: [("X-Amz-Firehose-Access-Key", "nope")])
                #expect([health, check, refused] == [Int]([200, 200, 401]))
            }
        }
    }
}

/// Minimal requests through ccrelay's own transport.
struct RelayHTTPTransportForTests {
    let transport = HTTPTransport()

    func status(_ method: String, _ url: String, headers: [(name: String, value: String)] = []) async throws -> Int {
        try await transport.send(
            OutboundRequest(method: method, url: url, headers: headers, body: method == "POST" ? [] : nil)
        ).status
    }
}

@Suite("Push configuration")
struct PushConfigurationTests {
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader().load(yaml: yaml)
            return []
        } catch {
            return error.problems.map { "\($0.path): \($0.message)" }
        }
    }

    static let sink = """
        sinks:
          out:
            type: stdout
        """

    @Test("push sources and the server report problems at their YAML paths")
    func problemsAtPaths() {
        let found = problems(
            """
            server:
              listen: localhost
            sources:
              fh:
                type: firehose
                path: firehose
                max_body_bytes: 10
              eb:
                type: eventbridge_api_destination
                auth:
                  type: api_key
            \(Self.sink)
            """)
        #expect(found.contains { $0.hasPrefix("server.listen:") })
        #expect(found.contains { $0.hasPrefix("sources.fh.access_keys:") })
        #expect(found.contains { $0.hasPrefix("sources.fh.path:") })
        #expect(found.contains { $0.hasPrefix("sources.fh.max_body_bytes:") })
        #expect(found.contains { $0.hasPrefix("sources.eb.auth.values:") })
    }

    @Test("a valid push configuration loads with its defaults")
    func defaults() throws {
        let configuration = try ConfigLoader().load(
            yaml: """
                allow_inline_secrets: true
                sources:
                  fh:
                    type: firehose
                    access_keys: [first-key-0123456789, second-key-0123456789]
                  eb:
                    type: eventbridge_api_destination
                    auth:
                      type: basic
                      username: eb
                      password: basic-password-0123456789
                \(Self.sink)
                """)
        #expect(configuration.server == ServerConfiguration(host: "127.0.0.1", port: 8080))
        #expect(configuration.sources.map(\.name) == ["fh", "eb"])
    }
}
