import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayState
import RelayTesting
import Synchronization
import Testing

/// The OTLP sink against the collector emulator: what arrives, partial success, throttling,
/// refusals isolated by bisection, and the emulator's own checks of the request's shape.
@Suite("OTLP sink", .timeLimit(.minutes(2)))
struct OTLPSinkTests {
    private func sink(_ url: String, gzip: Bool = true, apiKey: String = OTLPCollectorConfiguration.defaultAPIKey)
        -> OTLPLogsSink
    {
        OTLPLogsSink(
            configuration: OTLPLogsSinkConfiguration(
                name: "otlp", endpoint: url, headers: ["x-honeycomb-team": Credential(apiKey)], gzip: gzip,
                requestTimeout: .seconds(10)),
            transport: HTTPTransport(), logger: SinkComplianceKit.logger)
    }

    private func entries(_ count: Int, clock: ManualClock) -> [OutboxEntry] {
        SinkComplianceKit.records(count, clock: clock).enumerated().map { index, record in
            OutboxEntry(
                id: Int64(index + 1), eventID: record.eventID, timestamp: record.timestamp, platform: record.platform,
                payload: record.payload, enqueuedAt: clock.now.timestamp)
        }
    }

    @Test("records arrive with their resource, scope and event id, gzip or not", arguments: [true, false])
    func delivers(gzip: Bool) async throws {
        let clock = ManualClock()
        let collector = OTLPCollectorEmulator()
        let batch = entries(3, clock: clock)
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            #expect(await sink(url, gzip: gzip).deliver(batch) == .delivered)
        }
        let records = collector.records
        #expect(records.map(\.eventID) == batch.map(\.eventID))
        #expect(records.allSatisfy { $0.scopeName == "ccrelay" })
        #expect(records.first?.resourceAttributes["service.name"] == ["stringValue": "ccrelay"])
        #expect(records.first?.resourceAttributes["ccrelay.platform"] == ["stringValue": "genesys"])
    }

    @Test("a partial success: the batch is settled as delivered, the rejected records counted, none resent")
    func partialSuccess() async throws {
        let clock = ManualClock()
        let collector = OTLPCollectorEmulator()
        let batch = entries(5, clock: clock)
        collector.dropRecords(withEventIDs: [batch[1].eventID, batch[3].eventID])
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            let otlp = sink(url)
            #expect(await otlp.deliver(batch) == .delivered)
            #expect(otlp.partialSuccess.requests == 1)
            #expect(otlp.partialSuccess.rejectedRecords == 2)
        }
        #expect(collector.records.map(\.eventID) == [batch[0], batch[2], batch[4]].map(\.eventID))
        #expect(collector.stats.requests == 1, "nothing sent again")
        #expect(collector.stats.partiallyRejected == 2)
    }

    @Test("429 and 503 are outages that carry Retry-After; a revoked key is a rejected credential")
    func throttlingAndCredential() async throws {
        let clock = ManualClock()
        let collector = OTLPCollectorEmulator()
        let batch = entries(2, clock: clock)
        collector.injectFaults([.tooManyRequests(retryAfterSeconds: 7), .unavailable(retryAfterSeconds: 3)])
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            let otlp = sink(url)
            #expect(Fate(await otlp.deliver(batch)) == .unavailable(retryAfter: .seconds(7)))
            #expect(Fate(await otlp.deliver(batch)) == .unavailable(retryAfter: .seconds(3)))
            collector.revokeAPIKey(OTLPCollectorConfiguration.defaultAPIKey)
            #expect(Fate(await otlp.deliver(batch)) == .credentialRejected)
        }
        #expect(collector.records.isEmpty)
    }

    @Test("a 400 caused by one record: through a worker, the batch is bisected and only that record dead-lettered")
    func badRecordIsolated() async throws {
        let clock = ManualClock()
        let collector = OTLPCollectorEmulator()
        let records = SinkComplianceKit.records(12, clock: clock, sink: "otlp")
        let bad = records[5].eventID
        collector.refuseRequests(containing: [bad])
        try await withScratchDirectory("otlp-refusal") { (directory: String) async throws in
            let store = try SinkComplianceKit.openStore(directory)
            _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
            try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) {
                (url: String) async throws in
                let sent = try await SinkComplianceKit.worker(sink(url), store: store, clock: clock).drain(
                    until: clock.now.advanced(by: .seconds(600)))
                #expect(sent.delivered == 11)
                #expect(sent.deadLettered == 1)
                let letters = try await store.deadLetters(limit: 10)
                #expect(letters.map(\.eventID) == [bad])
                #expect(letters.first?.reason.contains("a log record cannot be processed") == true)
            }
        }
        #expect(
            collector.records.compactMap(\.eventID).sorted() == records.map(\.eventID).filter { $0 != bad }.sorted())
    }

    @Test("a 413 for a request too large: bisected into smaller requests, every record delivered")
    func tooLargeSplit() async throws {
        let clock = ManualClock()
        let one = OTLPLogsEncoder().encode(entries(1, clock: clock)).count
        let collector = OTLPCollectorEmulator(configuration: .init(maxRequestBytes: 3 * one))
        let records = SinkComplianceKit.records(10, clock: clock, sink: "otlp")
        try await withScratchDirectory("otlp-413") { (directory: String) async throws in
            let store = try SinkComplianceKit.openStore(directory)
            _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
            try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) {
                (url: String) async throws in
                let sent = try await SinkComplianceKit.worker(sink(url, gzip: false), store: store, clock: clock)
                    .drain(until: clock.now.advanced(by: .seconds(600)))
                #expect(sent.delivered == 10)
                #expect(sent.deadLettered == 0)
            }
        }
        #expect(collector.records.compactMap(\.eventID).sorted() == records.map(\.eventID).sorted())
        #expect(collector.stats.rejectedRequests > 0, "the collector did answer 413")
    }

    /// A secret whose value the test rotates; a re-read returns the rotated value.
    final class RotatingSecret: CredentialSource {
        let stored = Mutex((current: "", next: ""))
        init(_ current: String, next: String) { stored.withLock { $0 = (current, next) } }
        var currentValue: String { stored.withLock { $0.current } }
        func reread(afterRejecting value: String) async -> Bool {
            stored.withLock { state in
                guard state.next != state.current else { return false }
                state.current = state.next
                return true
            }
        }
    }

    @Test("a rejected header secret is re-read and the batch resent with the new value; one that stays is named")
    func headerRotation() async throws {
        let clock = ManualClock()
        let collector = OTLPCollectorEmulator()
        let batch = entries(2, clock: clock)
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            @Sendable func sink(_ secret: RotatingSecret) -> OTLPLogsSink {
                OTLPLogsSink(
                    configuration: OTLPLogsSinkConfiguration(
                        name: "otlp", endpoint: url,
                        headers: ["x-honeycomb-team": Credential(reference: "${file:/run/hc}", source: secret)]),
                    transport: HTTPTransport(), logger: SinkComplianceKit.logger)
            }
            let rotated = RotatingSecret("old-key", next: OTLPCollectorConfiguration.defaultAPIKey)
            #expect(await sink(rotated).deliver(batch) == .delivered)
            let stale = RotatingSecret("old-key", next: "old-key")
            guard case .credentialRejected(let reason) = await sink(stale).deliver(batch) else {
                Issue.record("expected a rejected credential")
                return
            }
            #expect(reason.contains("secret ${file:/run/hc}"))
            #expect(!reason.contains("old-key"), "no secret in the reason")
        }
        #expect(collector.records.map(\.eventID) == batch.map(\.eventID))
        #expect(collector.stats.rejectedRequests == 2, "the old key was refused, once per sink")
    }
}
