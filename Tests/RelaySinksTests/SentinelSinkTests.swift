import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// The Sentinel sink against the emulated Entra ID tenant and Logs Ingestion API, whose one base URL
/// is both the `authority_host` and the `endpoint`.
enum SentinelFixtures {
    static let emulated = SentinelEmulatorConfiguration()

    static func configuration(
        _ url: String, secret: String = "sandbox-client-secret", stream: String = "Custom-CCRelay"
    ) -> SentinelSinkConfiguration {
        SentinelSinkConfiguration(
            name: SinkComplianceKit.sinkName, endpoint: url, dcrImmutableID: emulated.dcrImmutableID, stream: stream,
            tenantID: emulated.tenantID, clientID: emulated.clientID, clientSecret: secret, authorityHost: url,
            requestTimeout: .seconds(10))
    }

    static func sink(_ configuration: SentinelSinkConfiguration, clock: ManualClock) -> SentinelSink {
        SentinelSink(
            configuration: configuration, transport: HTTPTransport(), clock: clock, logger: SinkComplianceKit.logger)
    }
}

struct SentinelHarness: SinkComplianceHarness {
    var name: String { "Microsoft Sentinel" }
    var hasPermanentFailure: Bool { true }
    var hasCredential: Bool { true }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let emulator = SentinelEmulator(clock: clock)
        try await Sandbox.withRunning(sentinel: emulator, logger: SinkComplianceKit.logger) { url in
            try await body(
                SinkComplianceDestination(
                    makeSink: { _ in SentinelFixtures.sink(SentinelFixtures.configuration(url), clock: clock) },
                    arrived: { emulator.rows.compactMap { $0["EventId"]?.stringValue } },
                    failRetriably: { emulator.injectFaults([.tooManyRequests(retryAfterSeconds: 5)]) },
                    permanentFailure: { _ in
                        let configuration = SentinelFixtures.configuration(url, stream: "Custom-Undeclared_CL")
                        return (SentinelFixtures.sink(configuration, clock: clock), "is not declared by the rule")
                    },
                    credentialFailure: { _ in
                        SentinelFixtures.sink(SentinelFixtures.configuration(url, secret: "wrong"), clock: clock)
                    }
                ))
        }
    }
}

@Suite("Sentinel sink compliance", .timeLimit(.minutes(2)))
struct SentinelComplianceTests {
    @Test("the sink keeps the contract", arguments: SinkCompliance.cases([SentinelHarness()]))
    func compliance(_ testCase: SinkCompliance.Case) async throws {
        try await SinkCompliance.run(testCase)
    }
}

@Suite("SentinelSink against the sandbox", .timeLimit(.minutes(2)))
struct SentinelSinkTests {
    private func withEmulator(
        _ body: @Sendable (SentinelSink, SentinelEmulator, ManualClock) async throws -> Void
    ) async throws {
        let clock = ManualClock()
        let emulator = SentinelEmulator(clock: clock)
        try await Sandbox.withRunning(sentinel: emulator, logger: SinkComplianceKit.logger) { url in
            try await body(SentinelFixtures.sink(SentinelFixtures.configuration(url), clock: clock), emulator, clock)
        }
    }

    @Test("rows arrive with TimeGenerated and the sink's columns")
    func delivers() async throws {
        try await withEmulator { sink, emulator, clock in
            let entries = [TimedFixtures.entry(1, at: clock), TimedFixtures.entry(2, at: clock, platform: .cxone)]
            #expect(await sink.deliver(entries) == .delivered)
            let rows = emulator.rows
            #expect(rows.map { $0["EventId"]?.stringValue } == entries.map(\.eventID))
            #expect(rows.map { $0["Platform"]?.stringValue } == ["genesys", "cxone"])
            #expect(rows.allSatisfy { $0["TimeGenerated"]?.stringValue != nil })
        }
    }

    @Test("a token rotated away answers 401 once; the sink fetches one new token and the batch arrives")
    func rotation() async throws {
        try await withEmulator { sink, emulator, clock in
            #expect(await sink.deliver([TimedFixtures.entry(1, at: clock)]) == .delivered)
            emulator.rotateTokens()
            #expect(await sink.deliver([TimedFixtures.entry(2, at: clock)]) == .delivered)
            #expect(await sink.tokenFetches == 2)
            #expect(emulator.stats.unauthorized == 1)
            #expect(emulator.rows.count == 2)
        }
    }

    @Test("the token is reused until 60 s before it expires, then replaced before the API refuses it")
    func expiry() async throws {
        try await withEmulator { sink, emulator, clock in
            #expect(await sink.deliver([TimedFixtures.entry(1, at: clock)]) == .delivered)
            clock.advance(by: .seconds(3599 - 61))
            #expect(await sink.deliver([TimedFixtures.entry(2, at: clock)]) == .delivered)
            #expect(await sink.tokenFetches == 1)
            clock.advance(by: .seconds(2))
            #expect(await sink.deliver([TimedFixtures.entry(3, at: clock)]) == .delivered)
            #expect(await sink.tokenFetches == 2)
            #expect(emulator.stats.unauthorized == 0)
        }
    }

    @Test("429 is an outage with the API's Retry-After; 503 too")
    func throttled() async throws {
        try await withEmulator { sink, emulator, clock in
            emulator.injectFaults([.tooManyRequests(retryAfterSeconds: 7), .unavailable])
            let first = await sink.deliver([TimedFixtures.entry(1, at: clock)])
            guard case .unavailable(_, let retryAfter) = first else {
                Issue.record("expected unavailable, got \(first)")
                return
            }
            #expect(retryAfter == .seconds(7))
            #expect(await sink.deliver([TimedFixtures.entry(1, at: clock)]).isOutage)
            #expect(emulator.rows.isEmpty)
        }
    }

    @Test("a batch over 1 MB goes as several requests, each under the limit, all rows arriving")
    func splits() async throws {
        try await withEmulator { sink, emulator, clock in
            let entries = (1...4000).map { TimedFixtures.entry($0, at: clock) }
            let bytes = entries.map { SentinelRowEncoder.encode($0).count + 1 }.reduce(0, +)
            try #require(bytes > SentinelSinkConfiguration.Limits.requestBytes)
            #expect(await sink.deliver(entries) == .delivered)
            #expect(emulator.stats.acceptedRequests >= 2)
            #expect(emulator.rows.count == 4000)
        }
    }

    @Test("the app losing its role on the DCR is a rejected credential, after one token refresh")
    func forbidden() async throws {
        try await withEmulator { sink, emulator, clock in
            emulator.setRoleRevoked(true)
            let outcome = await sink.deliver([TimedFixtures.entry(1, at: clock)])
            guard case .credentialRejected(let reason) = outcome else {
                Issue.record("expected credentialRejected, got \(outcome)")
                return
            }
            #expect(reason.contains("403"))
            #expect(!reason.contains("sandbox-entra-token"))
        }
    }
}
