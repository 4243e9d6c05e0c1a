import RelayCore
import RelayState
import RelayTesting
import Synchronization
import Testing

/// A sink that refuses any batch containing a poisoned event without saying which one.
private final class PoisonSensitiveSink: Sink, Sendable {
    let name = "scripted"
    let batch = BatchConfiguration(maxEvents: 1000, maxBytes: 10 << 20, timeout: .zero)
    let retry = RetryPolicy()
    let poisoned: Set<String>
    let calls = Mutex(0)
    let delivered = Mutex<[String]>([])

    init(poisoned: Set<String>) {
        self.poisoned = poisoned
    }

    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        calls.withLock { $0 += 1 }
        if entries.contains(where: { poisoned.contains($0.eventID) }) {
            return .poisoned(index: nil, reason: "refused: a bad event somewhere")
        }
        delivered.withLock { $0 += entries.map(\.eventID) }
        return .delivered
    }
}

@Suite("Sink worker bisection")
struct SinkWorkerBisectTests {
    @Test("without an event number the worker bisects: only the poisoned events are dead-lettered, in few sends")
    func bisects() async throws {
        let fixture = try SinkWorkerFixture("bisect")
        defer { fixture.remove() }
        let store = fixture.store
        let clock = ManualClock()
        let ids = try await fixture.append(1000, for: "scripted", at: clock)
        let poisoned: Set<String> = [ids[3], ids[700]]
        let sink = PoisonSensitiveSink(poisoned: poisoned)
        let worker = SinkWorkerFixture.worker(sink, store, clock)

        let result = try await worker.drain(until: clock.now.advanced(by: .seconds(60)))
        #expect(result.delivered == 998)
        #expect(result.deadLettered == 2)
        #expect(result.remaining == 0)
        #expect(Set(try await store.deadLetters(limit: 10).compactMap(\.eventID)) == poisoned)
        #expect(Set(sink.delivered.withLock { $0 }) == Set(ids).subtracting(poisoned))
        // Two poisoned events in 1000: about 2 × 2 × log2(1000) sends, far fewer than one per event.
        #expect(sink.calls.withLock { $0 } < 60)
    }
}
