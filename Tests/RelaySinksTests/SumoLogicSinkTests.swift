import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

@Suite("SumoLogicSink against the sandbox HTTP source", .timeLimit(.minutes(2)))
struct SumoLogicSinkTests {
    private func withSource<T: Sendable>(
        code: String? = nil,
        gzip: Bool = true,
        _ body: @Sendable (SumoLogicSink, SumoLogicEmulator, String) async throws -> T
    ) async throws -> T {
        let sumo = SumoLogicEmulator()
        return try await Sandbox.withRunning(sumo: sumo, logger: TimedFixtures.logger) { url in
            var target = url
            if let code { target = url.replacing(SumoLogicConfiguration.defaultCode, with: code) }
            let configuration = SumoLogicSinkConfiguration(
                name: "sumo", url: target, category: "ccas/audit", sourceName: "ccrelay", sourceHost: "relay-01",
                fields: ["team": "cc", "env": "prod"], gzip: gzip, requestTimeout: .seconds(10))
            return try await body(
                SumoLogicSink(configuration: configuration, transport: HTTPTransport(), logger: TimedFixtures.logger),
                sumo, target)
        }
    }

    @Test("a batch arrives as one line per normalized event with the configured headers", arguments: [true, false])
    func delivers(gzip: Bool) async throws {
        try await withSource(gzip: gzip) { sink, sumo, _ in
            let entries = [Fixtures.entry(1), Fixtures.entry(2, platform: .cxone)]
            #expect(await sink.deliver(entries) == .delivered)
            let lines = sumo.lines
            #expect(lines.map(\.line) == entries.map { String(decoding: $0.payload, as: UTF8.self) })
            #expect(
                lines.allSatisfy {
                    $0.category == "ccas/audit" && $0.sourceName == "ccrelay" && $0.sourceHost == "relay-01"
                })
            #expect(lines.first?.fields == ["env": "prod", "team": "cc"])
        }
    }

    @Test("an unknown source code is a credential rejection whose reason never contains the code")
    func unknownCode() async throws {
        let secret = "SecretCollectorCode0123456789"
        try await withSource(code: secret) { sink, sumo, _ in
            let outcome = await sink.deliver([Fixtures.entry(1)])
            #expect(Fate(outcome) == .credentialRejected)
            #expect(outcome.reason.contains("401"))
            #expect(!outcome.reason.contains(secret))
            #expect(sumo.lines.isEmpty)
        }
    }

    @Test("a transport failure says Sumo is unavailable and its reason never contains the source code")
    func transportFailure() async throws {
        let secret = "AnotherSecretCode9876543210"
        let sink = SumoLogicSink(
            configuration: SumoLogicSinkConfiguration(
                name: "sumo", url: "http://127.0.0.1:9/receiver/v1/http/\(secret)", requestTimeout: .seconds(2)),
            transport: HTTPTransport(), logger: TimedFixtures.logger)
        let outcome = await sink.deliver([Fixtures.entry(1)])
        #expect(Fate(outcome) == .unavailable(retryAfter: nil))
        #expect(!outcome.reason.contains(secret), "\(outcome.reason)")
        #expect(outcome.reason.contains("127.0.0.1:9"))
    }

    @Test("429 (honouring Retry-After) and 503 say Sumo is unavailable; 400 is rejected with Sumo's words")
    func statuses() async throws {
        try await withSource { sink, sumo, _ in
            sumo.injectFaults([.throttled(retryAfterSeconds: 4), .unavailable, .badRequest])
            let entries = [Fixtures.entry(1)]
            #expect(Fate(await sink.deliver(entries)) == .unavailable(retryAfter: .seconds(4)))
            #expect(Fate(await sink.deliver(entries)) == .unavailable(retryAfter: nil))
            let rejected = await sink.deliver(entries)
            #expect(Fate(rejected) == .rejected)
            #expect(rejected.reason.contains("could not be processed"))
            #expect(await sink.deliver(entries) == .delivered)
        }
    }

    @Test("a batch over 1 MB uncompressed is sent as several requests of at most 1 MB")
    func splits() async throws {
        try await withSource { sink, sumo, _ in
            let entries = (0..<300).map { number -> OutboxEntry in
                var event = SampleEvents.event(number)
                event.attributes.append(key: "pad", value: .string(String(repeating: "s", count: 8_000)))
                var entry = Fixtures.entry(number)
                entry.payload = event.encoded()
                return entry
            }
            #expect(await sink.deliver(entries) == .delivered)
            #expect(sumo.stats.acceptedRequests == 3)
            #expect(sumo.lines.compactMap(\.eventID) == entries.map(\.eventID))
        }
    }

    @Test(
        "when a later request of a split batch is throttled, the rest waits out the outage; a refused one does not",
        arguments: [SumoFault.throttled(retryAfterSeconds: 4), .badRequest])
    func partialOutage(fault: SumoFault) async throws {
        try await withSource { sink, sumo, _ in
            let entries = (0..<300).map { number -> OutboxEntry in
                var event = SampleEvents.event(number)
                event.attributes.append(key: "pad", value: .string(String(repeating: "s", count: 8_000)))
                var entry = Fixtures.entry(number)
                entry.payload = event.encoded()
                return entry
            }
            sumo.injectFaults([.pass, fault])
            guard case .partial(let fates) = await sink.deliver(entries) else {
                Issue.record("expected a partial outcome")
                return
            }
            let firstRequest = sumo.lines.compactMap(\.eventID)
            #expect(!firstRequest.isEmpty && firstRequest.count < entries.count)
            #expect(fates.delivered == entries.prefix(firstRequest.count).map(\.id))
            #expect(fates.retriable == entries.dropFirst(firstRequest.count).map(\.id))
            if fault == .badRequest {
                #expect(!fates.retryIsOutage, "a refused request is not an outage")
            } else {
                #expect(fates.retryIsOutage && fates.retryAfter == .seconds(4))
            }
        }
    }

    @Test("408 after Sumo accepted the request: retried, and its events counted as possibly duplicated")
    func acceptedThenTimedOut() async throws {
        try await withSource { sink, sumo, _ in
            sumo.injectFaults([.acceptedThenTimedOut])
            let entries = [Fixtures.entry(1), Fixtures.entry(2)]
            let first = await sink.deliver(entries)
            #expect(Fate(first) == .retriable(retryAfter: nil))
            #expect(first.reason.contains("408"))
            #expect(sink.possiblyDuplicated == 2)
            #expect(await sink.deliver(entries) == .delivered)
            #expect(sink.possiblyDuplicated == 2, "a 200 adds nothing")
            let ids = entries.map(\.eventID)
            #expect(sumo.lines.compactMap(\.eventID) == ids + ids, "the resend is the duplicate the count warns of")
        }
    }

    @Test("the redacted URL keeps scheme and host only")
    func redaction() {
        #expect(
            SumoLogicSinkConfiguration.redacted(
                "https://endpoint4.collection.sumologic.com/receiver/v1/http/ZaVnC4dhaV")
                == "https://endpoint4.collection.sumologic.com/[redacted]")
    }
}
