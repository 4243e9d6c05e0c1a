import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// The sink against the sandbox's HTTP Event Collector, over real HTTP.
@Suite("SplunkHECSink against the sandbox HEC", .timeLimit(.minutes(2)))
struct SplunkHECSinkTests {
    static let logger = Logger.quiet("ccrelay.sinks.tests", level: .warning)

    /// Runs `body` with a sink pointed at a running HEC emulator.
    private func withHEC<T: Sendable>(
        _ hec: SplunkHECEmulator = SplunkHECEmulator(),
        token: String = Fixtures.token,
        index: String? = "ccas",
        gzip: Bool = true,
        _ body: @Sendable (SplunkHECSink, SplunkHECEmulator) async throws -> T
    ) async throws -> T {
        try await Sandbox.withRunning(
            genesys: GenesysOrgEmulator(clock: ManualClock()), hec: hec, logger: Self.logger
        ) { endpoints in
            let configuration = Fixtures.configuration(
                endpoint: endpoints.hecURL + "/", token: token, index: index, gzip: gzip
            )
            let sink = SplunkHECSink(
                configuration: configuration, transport: HTTPTransport(), store: try Fixtures.temporaryStore(),
                clock: ManualClock())
            return try await body(sink, hec)
        }
    }

    @Test("a batch is indexed with the right fields", arguments: [true, false])
    func delivers(gzip: Bool) async throws {
        let entries = [Fixtures.entry(1), Fixtures.entry(2, platform: .cxone), Fixtures.entry(3)]
        try await withHEC(gzip: gzip) { sink, hec in
            let outcome = await sink.deliver(entries)
            #expect(outcome == .delivered)
            let indexed = hec.events
            try #require(indexed.count == entries.count)
            for (event, entry) in zip(indexed, entries) {
                #expect(event.index == "ccas")
                #expect(event.host == "relay-01")
                #expect(event.sourcetype == "ccas:auditlog")
                #expect(event.source == "\(entry.platform.rawValue):audit")
                #expect(event.time == .number(JSONNumber(uncheckedLiteral: entry.timestamp.epochSecondsLiteral)))
                #expect(event.fields == JSONObject(["event_id": .string(entry.eventID)]))
                #expect(event.searchEvent == (try JSONParser.parse(entry.payload)))
            }
            #expect(hec.stats.acceptedBatches == 1)
            #expect(hec.stats.rejectedBatches == 0)
        }
    }

    @Test("without an index the token's default index is used")
    func defaultIndex() async throws {
        try await withHEC(index: nil) { sink, hec in
            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            #expect(hec.events.map(\.index) == ["main"])
        }
    }

    @Test("a wrong token is a credential rejection that names the HEC code, never the token, and indexes nothing")
    func wrongToken() async throws {
        try await withHEC(token: "not-the-right-token-value") { sink, hec in
            let outcome = await sink.deliver([Fixtures.entry(1)])
            #expect(Fate(outcome) == .credentialRejected)
            #expect(outcome.reason.contains("code 4"), "\(outcome.reason)")
            #expect(!outcome.reason.contains("not-the-right-token-value"))
            #expect(hec.events.isEmpty)
        }
    }

    @Test("a disabled token is a credential rejection with code 1")
    func disabledToken() async throws {
        let hec = SplunkHECEmulator(
            configuration: SplunkHECConfiguration(
                tokens: [Fixtures.token: ["ccas"], "old-token": ["ccas"]], disabledTokens: ["old-token"]
            )
        )
        try await withHEC(hec, token: "old-token") { sink, hec in
            let outcome = await sink.deliver([Fixtures.entry(1)])
            #expect(Fate(outcome) == .credentialRejected)
            #expect(outcome.reason.contains("code 1"), "\(outcome.reason)")
            #expect(hec.events.isEmpty)
        }
    }

    @Test("a disallowed index is rejected naming the index, and nothing of the batch is indexed")
    func disallowedIndex() async throws {
        try await withHEC(index: "secret") { sink, hec in
            let outcome = await sink.deliver([Fixtures.entry(1), Fixtures.entry(2)])
            #expect(Fate(outcome) == .rejected)
            #expect(outcome.reason.contains("\"secret\""), "\(outcome.reason)")
            #expect(outcome.reason.contains("code 7"), "\(outcome.reason)")
            #expect(hec.events.isEmpty)
            #expect(hec.stats.rejectedBatches == 1)
        }
    }

    @Test(
        "busy and unhealthy say HEC is unavailable, an internal error is retriable; then the next delivery succeeds",
        arguments: [
            (HECFault.busy, 9, Fate.unavailable(retryAfter: nil)), (.unhealthy, 18, .unavailable(retryAfter: nil)),
            (.internalError, 8, .retriable(retryAfter: nil)),
        ]
    )
    func transientFault(_ fault: HECFault, code: Int, fate: Fate) async throws {
        let entries = [Fixtures.entry(1), Fixtures.entry(2)]
        try await withHEC { sink, hec in
            hec.injectFaults([fault])
            let first = await sink.deliver(entries)
            #expect(Fate(first) == fate)
            #expect(first.reason.contains("code \(code)"), "\(first.reason)")
            #expect(hec.events.isEmpty)

            #expect(await sink.deliver(entries) == .delivered)
            #expect(hec.events.map { $0.fields["event_id"]?.stringValue } == entries.map(\.eventID))
            #expect(hec.stats.faultsServed == 1)
        }
    }

    @Test("a dropped connection says HEC is unavailable (a transport error); the next delivery succeeds")
    func droppedConnection() async throws {
        try await withHEC { sink, hec in
            hec.injectFaults([.dropConnection])
            let first = await sink.deliver([Fixtures.entry(1)])
            #expect(Fate(first) == .unavailable(retryAfter: nil))
            #expect(first.reason.contains("/services/collector/event"), "\(first.reason)")
            #expect(!first.reason.contains(Fixtures.token))
            #expect(hec.events.isEmpty)

            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            #expect(hec.events.count == 1)
        }
    }
}
