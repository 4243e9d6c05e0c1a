import RelayCore
import RelayTesting
import Synchronization
import Testing

/// A sink whose first `failuresLeft` calls take only the first event of the batch and report the rest
/// as retriable, with `outage` saying whether the destination was unavailable (429, 503) for them,
/// as a batch split into several requests sees when a later request is throttled.
private final class HalfTakingSink: Sink, Sendable {
    let name = "half-taking"
    let batch = BatchConfiguration(maxEvents: 20, timeout: .zero)
    let retry = RetryPolicy(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(4))
    let outage: Bool
    let failuresLeft: Mutex<Int>
    let delivered = Mutex<[String]>([])

    init(outage: Bool, failures: Int) {
        self.outage = outage
        self.failuresLeft = Mutex(failures)
    }

    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        let failing = failuresLeft.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        guard failing, entries.count > 1 else {
            delivered.withLock { $0 += entries.map(\.eventID) }
            return .delivered
        }
        delivered.withLock { $0.append(entries[0].eventID) }
        return .partial(
            PartialDelivery(
                delivered: [entries[0].id], retriable: entries.dropFirst().map(\.id),
                retryReason: outage ? "HTTP 429" : "HTTP 500", retryAfter: .seconds(1), retryIsOutage: outage))
    }
}

@Suite("Sink worker: part of a batch meets an outage")
struct SinkWorkerPartialOutageTests {
    @Test(
        "the rest of a batch that met an outage waits it out without using attempts; other failures still dead-letter after max_attempts",
        arguments: [true, false])
    func partialOutageUsesNoAttempts(outage: Bool) async throws {
        let clock = ManualClock()
        let fixture = try SinkWorkerFixture("partial-outage")
        defer { fixture.remove() }
        let ids = try await fixture.append(20, for: "half-taking", at: clock)
        // Eight partial answers in a row: more than the five attempts a failing batch gets.
        let sink = HalfTakingSink(outage: outage, failures: 8)
        let worker = SinkWorkerFixture.worker(sink, fixture.store, clock)

        let result = try await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(3600), step: .seconds(1))
            .get()
        #expect(result.remaining == 0)
        if outage {
            #expect(result.deadLettered == 0 && result.delivered == 20)
            #expect(sink.delivered.withLock { $0 } == ids, "every event once, in order")
        } else {
            // Five attempts deliver one event each; the other 15 are dead-lettered.
            #expect(result.delivered == 5 && result.deadLettered == 15)
            #expect(try await fixture.store.deadLetters(limit: 100).count == 15)
        }
    }
}
