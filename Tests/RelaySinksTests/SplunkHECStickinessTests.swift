import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// HEC behind a load balancer with stickiness: the sink keeps the cookie the balancer sets and
/// sends it with event and ack requests, so the ack queries reach the indexer holding the ackIds.
@Suite("Splunk HEC behind a sticky load balancer", .timeLimit(.minutes(2)))
struct SplunkHECStickinessTests {
    static let logger = Logger.quiet("ccrelay.tests.hec-lb")

    /// Two indexers with acknowledgement behind a balancer that, without a cookie, alternates.
    private func withBalancer(
        _ body: @Sendable (SplunkHECSink, SplunkHECLoadBalancer, ManualClock) async throws -> Void
    ) async throws {
        let clock = ManualClock()
        let balancer = SplunkHECLoadBalancer(
            indexers: [SplunkHECEmulator(clock: clock), SplunkHECEmulator(clock: clock)], routing: .roundRobin,
            clock: clock)
        try await Sandbox.withRunning(hecBalancer: balancer, logger: Self.logger) { url in
            var configuration = Fixtures.configuration(endpoint: url, token: SplunkHECConfiguration.defaultAckToken)
            configuration.endpoints = [url]
            let sink = SplunkHECSink(
                configuration: configuration, transport: HTTPTransport(), store: try Fixtures.temporaryStore(),
                clock: clock)
            try await body(sink, balancer, clock)
        }
    }

    /// Delivers one batch per number and returns the ack tokens handed out.
    private func deliver(_ sink: SplunkHECSink, _ numbers: Range<Int>) async -> [AckToken] {
        var tokens: [AckToken] = []
        for number in numbers {
            let outcome = await sink.deliver([Fixtures.entry(number)])
            guard case .awaitingAcknowledgement(let token) = outcome else {
                Issue.record("expected an ackId, got \(outcome)")
                continue
            }
            tokens.append(token)
        }
        return tokens
    }

    @Test("every batch goes to the indexer the cookie names, and one ack query confirms them all")
    func acksComplete() async throws {
        try await withBalancer { sink, balancer, _ in
            let tokens = await deliver(sink, 1..<5)
            #expect(Set(tokens).count == 4, "ackIds of one indexer never collide")
            #expect(await sink.confirm(tokens) == .confirmed(Set(tokens)))
            #expect(balancer.stats.routedByBalancer == 1, "only the first request came without the cookie")
            #expect(balancer.indexers.map(\.events.count) == [4, 0])
        }
    }

    @Test("an expired cookie is no longer sent: the balancer picks again")
    func cookieExpires() async throws {
        try await withBalancer { sink, balancer, clock in
            _ = await deliver(sink, 1..<2)
            clock.advance(by: SplunkHECLoadBalancer.cookieLifetime - .seconds(1))
            _ = await deliver(sink, 2..<3)
            #expect(balancer.stats.routedByBalancer == 1)
            // The second answer renewed the cookie: it lives a full lifetime from then.
            clock.advance(by: SplunkHECLoadBalancer.cookieLifetime + .seconds(1))
            let tokens = await deliver(sink, 3..<4)
            #expect(balancer.stats.routedByBalancer == 2)
            #expect(balancer.indexers.map(\.events.count) == [2, 1])
            #expect(await sink.confirm(tokens) == .confirmed(Set(tokens)), "the new cookie serves the ack query")
        }
    }
}
