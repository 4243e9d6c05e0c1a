import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayState
import RelayTesting
import Testing

/// Datadog answers 400 and 413 for a whole request. Through a real worker and the state store, the
/// batch is bisected until the events at fault stand alone: the others are delivered, only those
/// are dead-lettered (400), or every event is delivered in smaller requests (413).
@Suite("Datadog 400 and 413 isolated by bisection", .timeLimit(.minutes(2)))
struct DatadogRefusalTests {
    /// Drains `records` (of sink "datadog") through `intake`; `body`
    /// inspects the result.
    private func drain(
        _ records: [PendingRecord], intake: DatadogIntakeEmulator, clock: ManualClock,
        _ body: @Sendable (SinkWorker.DrainResult, DatadogLogsSink, any StateStore) async throws -> Void
    ) async throws {
        try await withScratchDirectory("datadog-refusal") { (directory: String) async throws in
            let store = try SinkComplianceKit.openStore(directory)
            _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
            try await Sandbox.withRunning(datadog: intake, logger: SinkComplianceKit.logger) {
                (url: String) async throws in
                let datadog = DatadogLogsSink(
                    configuration: DatadogLogsSinkConfiguration(
                        name: "datadog", endpoint: url, apiKey: DatadogIntakeConfiguration.defaultAPIKey),
                    transport: HTTPTransport())
                let sent = try await SinkComplianceKit.worker(datadog, store: store, clock: clock).drain(
                    until: clock.now.advanced(by: .seconds(600)))
                try await body(sent, datadog, store)
            }
        }
    }

    @Test("a 400 caused by one event: the others are delivered once, an old one too, only that one is dead-lettered")
    func badEventIsolated() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        let fresh = SinkComplianceKit.records(20, clock: clock, sink: "datadog", offset: .seconds(-60))
        let old = SinkComplianceKit.records(1, clock: clock, sink: "datadog", offset: .seconds(-19 * 3600), first: 100)
        let bad = fresh[7].eventID
        intake.refuseRequests(containing: [bad])
        try await drain(fresh + old, intake: intake, clock: clock) { sent, datadog, store in
            #expect(sent.delivered == 20)
            #expect(sent.deadLettered == 1)
            #expect(sent.remaining == 0)
            let letters = try await store.deadLetters(limit: 10)
            #expect(letters.map(\.eventID) == [bad])
            #expect(letters.first?.reason.contains("400") == true)
        }
        let others = (fresh + old).map(\.eventID).filter { $0 != bad }
        #expect(intake.logs.compactMap(\.eventID).sorted() == others.sorted())
        #expect(intake.stats.rejectedRequests > 1, "the batch was refused, then bisected")
    }

    @Test("a 413 for a batch too large: smaller requests deliver every event, none is dead-lettered")
    func tooLargeSplit() async throws {
        let clock = ManualClock()
        let sample = SinkComplianceKit.records(1, clock: clock, sink: "datadog", offset: .seconds(-60))[0]
        let entry = OutboxEntry(
            id: 1, eventID: sample.eventID, timestamp: sample.timestamp, platform: sample.platform,
            payload: sample.payload, enqueuedAt: clock.now.timestamp)
        let encoder = DatadogLogsEncoder(
            configuration: DatadogLogsSinkConfiguration(name: "datadog", apiKey: "unused"))
        // Room for about three events per request: a batch of 16 is refused until bisected.
        let limit = 3 * (encoder.encode(entry).count + 200)
        let intake = DatadogIntakeEmulator(configuration: .init(maxRequestBytes: limit), clock: clock)
        let records = SinkComplianceKit.records(16, clock: clock, sink: "datadog", offset: .seconds(-60))
        try await drain(records, intake: intake, clock: clock) { sent, _, store in
            #expect(sent.delivered == 16)
            #expect(sent.deadLettered == 0)
            let letters = try await store.deadLetters(limit: 10)
            #expect(letters.isEmpty)
        }
        #expect(intake.logs.compactMap(\.eventID).sorted() == records.map(\.eventID).sorted())
        #expect(intake.stats.rejectedRequests > 0, "the intake did answer 413")
    }
}
