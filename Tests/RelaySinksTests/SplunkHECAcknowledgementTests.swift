import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayState
import RelayTesting
import Testing

/// Indexer acknowledgement, poisoned events, several endpoints and the token check, against the
/// sandbox HEC.
@Suite("Splunk HEC acknowledgement, poisoned events, endpoints")
struct SplunkHECAcknowledgementTests {
    static let logger = Logger.quiet("ccrelay.tests.hec-ack")

    private func makeSink(_ urls: [String], token: String, store: SQLiteStateStore, clock: ManualClock = ManualClock())
        -> SplunkHECSink
    {
        var configuration = Fixtures.configuration(token: token)
        configuration.endpoints = urls
        return SplunkHECSink(configuration: configuration, transport: HTTPTransport(), store: store, clock: clock)
    }

    @Test("with an ack token a batch awaits its ackId, which reads true once and is then forgotten")
    func acknowledgement() async throws {
        let clock = ManualClock()
        let hec = SplunkHECEmulator(configuration: SplunkHECConfiguration(ackDelay: .seconds(5)), clock: clock)
        try await Sandbox.withRunning(hec: hec, logger: Self.logger) { url in
            let sink = makeSink(
                [url], token: SplunkHECConfiguration.defaultAckToken, store: try Fixtures.temporaryStore(), clock: clock
            )
            let first = await sink.deliver([Fixtures.entry(1)])
            let second = await sink.deliver([Fixtures.entry(2)])
            guard case .awaitingAcknowledgement(let a) = first, case .awaitingAcknowledgement(let b) = second else {
                Issue.record("expected ackIds, got \(first) and \(second)")
                return
            }
            #expect(a.id + 1 == b.id)
            #expect(await sink.confirm([a, b]) == .confirmed([]))
            clock.advance(by: .seconds(5))
            #expect(await sink.confirm([a, b]) == .confirmed([a, b]))
            #expect(await sink.confirm([a, b]) == .confirmed([]))
            #expect(hec.events.count == 2)
            #expect(hec.events.allSatisfy { $0.channel != nil && $0.channel == hec.events.first?.channel })
        }
    }

    @Test("the channel GUID is kept in the state store across sink instances")
    func channelPersists() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: Self.logger) { url in
            let store = try Fixtures.temporaryStore()
            _ = await makeSink([url], token: SplunkHECConfiguration.defaultAckToken, store: store).deliver([
                Fixtures.entry(1)
            ])
            _ = await makeSink([url], token: SplunkHECConfiguration.defaultAckToken, store: store).deliver([
                Fixtures.entry(2)
            ])
            let channels = Set(hec.events.compactMap(\.channel))
            #expect(channels.count == 1)
            #expect(try await store.value(forKey: "splunk_hec/splunk/channel") == channels.first)
        }
    }

    @Test("a token without acknowledgement delivers on code 0, and an ack poll says acknowledgement is disabled")
    func acknowledgementDisabled() async throws {
        try await Sandbox.withRunning(hec: SplunkHECEmulator(), logger: Self.logger) { url in
            let sink = makeSink([url], token: Fixtures.token, store: try Fixtures.temporaryStore())
            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            #expect(await sink.confirm([AckToken(group: 0, id: 0)]) == .acknowledgementDisabled)
        }
    }

    @Test("an event HEC refuses is reported as poisoned with its position in the batch")
    func poisonedEvent() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: Self.logger) { url in
            let sink = makeSink([url], token: Fixtures.token, store: try Fixtures.temporaryStore())
            var entries = (0..<5).map { Fixtures.entry($0) }
            entries[3].payload = Array(#""""#.utf8)  // a blank event: HEC code 13
            let outcome = await sink.deliver(entries)
            #expect(Fate(outcome) == .poisoned(index: 3))
            #expect(outcome.reason.contains("code 13"))
            #expect(hec.events.count == 3)  // HEC indexes the events before the invalid one
        }
    }

    @Test("requests go round-robin over endpoints and fail over from one that drops connections")
    func endpointsRoundRobinAndFailover() async throws {
        let first = SplunkHECEmulator()
        let second = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: first, logger: Self.logger) { firstURL in
            try await Sandbox.withRunning(hec: second, logger: Self.logger) { secondURL in
                let sink = makeSink([firstURL, secondURL], token: Fixtures.token, store: try Fixtures.temporaryStore())
                for number in 0..<4 { #expect(await sink.deliver([Fixtures.entry(number)]) == .delivered) }
                #expect(first.events.count == 2)
                #expect(second.events.count == 2)

                first.injectFaults([.dropConnection])
                var outcomes: [DeliveryOutcome] = []
                for number in 4..<8 { outcomes.append(await sink.deliver([Fixtures.entry(number)])) }
                // One request hit the failing endpoint; every later one went to the healthy one.
                #expect(outcomes.filter { $0 == .delivered }.count == 3)
                #expect(first.events.count == 2)
                #expect(second.events.count == 5)
            }
        }
    }

    @Test("the token check posts an empty body: code 5 means valid, 4 and 1 mean rejected")
    func credentialCheck() async throws {
        let hec = SplunkHECEmulator(configuration: SplunkHECConfiguration(disabledTokens: ["disabled"]))
        try await Sandbox.withRunning(hec: hec, logger: Self.logger) { url in
            let store = try Fixtures.temporaryStore()
            #expect(await makeSink([url], token: Fixtures.token, store: store).checkCredential() == .valid)
            guard case .rejected(let reason) = await makeSink([url], token: "wrong", store: store).checkCredential()
            else {
                Issue.record("a wrong token was not rejected")
                return
            }
            #expect(reason.contains("code 4"))
            #expect(!reason.contains("wrong"))
            guard case .rejected = await makeSink([url], token: "disabled", store: store).checkCredential() else {
                Issue.record("a disabled token was not rejected")
                return
            }
            #expect(hec.events.isEmpty)
        }
    }
}
