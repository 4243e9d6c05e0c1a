import RelayCore
import RelayTesting
import Synchronization
import Testing

/// A sink that answers the first `throttles` calls with 429 + `Retry-After: 1`, then holds each
/// batch for `hold` (on the manual clock) before accepting it, so that batches of several workers
/// can be seen in flight together.
private final class ThrottlingSink: Sink, Sendable {
    struct Call: Sendable {
        var at: WallInstant
        var throttled: Bool
    }

    let name = "throttling"
    let batch: BatchConfiguration
    let hold: Duration
    let retry = RetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(400))
    let clock: ManualClock
    let throttlesLeft: Mutex<Int>
    let calls = Mutex<[Call]>([])
    let delivered = Mutex<[String]>([])
    let batchSizes = Mutex<[Int]>([])
    let inFlight = Mutex((now: 0, most: 0))

    init(
        clock: ManualClock, throttles: Int,
        batch: BatchConfiguration = BatchConfiguration(maxEvents: 50, timeout: .zero), hold: Duration = .seconds(10)
    ) {
        self.clock = clock
        self.throttlesLeft = Mutex(throttles)
        self.batch = batch
        self.hold = hold
    }

    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        let throttled = throttlesLeft.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        calls.withLock { $0.append(Call(at: clock.now, throttled: throttled)) }
        if throttled { return .unavailable(reason: "HTTP 429", retryAfter: .seconds(1)) }
        inFlight.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
        }
        try? await clock.sleep(until: clock.now.advanced(by: hold), tolerance: nil)
        inFlight.withLock { $0.now -= 1 }
        delivered.withLock { $0 += entries.map(\.eventID) }
        batchSizes.withLock { $0.append(entries.count) }
        return .delivered
    }
}

@Suite("Sink worker: concurrency")
struct SinkWorkerConcurrencyTests {
    /// Runs `workers` workers sharing one gate over outbox rows that arrive as `arrivals` (offsets
    /// from the start, counts), until the sink has them all or 10 minutes pass on the manual clock.
    /// Returns the event ids in arrival order.
    private static func run(
        workers: Int, sink: ThrottlingSink, arrivals: [(after: Duration, count: Int)]
    ) async throws -> [String] {
        let clock = sink.clock
        let fixture = try SinkWorkerFixture("workers")
        defer { fixture.remove() }
        let gate = SinkGate(recheck: sink.retry.initialBackoff)
        let signal = OutboxSignal()
        let start = clock.now
        var pending = arrivals
        var ids: [String] = []
        let total = arrivals.reduce(0) { $0 + $1.count }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<workers {
                let worker = SinkWorkerFixture.worker(
                    sink, fixture.store, clock, signal: signal, index: index, gate: gate)
                group.addTask { try? await worker.run() }
            }
            while sink.delivered.withLock({ $0.count }) < total, clock.now < start.advanced(by: .seconds(600)) {
                while let next = pending.first, clock.now >= start.advanced(by: next.after) {
                    pending.removeFirst()
                    ids += try await fixture.append(next.count, from: ids.count, for: sink.name, at: clock)
                    signal.notify(sinks: [sink.name])
                }
                // Every worker sleeps on the clock when it has nothing to do right now (idle, backing off,
                // holding for the gate, or inside the sink): only then does time move.
                await clock.waitForSleepers(count: workers)
                clock.advance(by: .milliseconds(100))
                await Task.yield()
            }
            group.cancelAll()
        }
        return ids
    }

    @Test("two workers keep two batches in flight; every event is delivered once")
    func batchesOverlap() async throws {
        let sink = ThrottlingSink(clock: ManualClock(), throttles: 0)
        let ids = try await Self.run(workers: 2, sink: sink, arrivals: [(.zero, 200)])
        #expect(sink.delivered.withLock { $0 }.sorted() == ids.sorted())
        #expect(sink.inFlight.withLock { $0.most } == 2)
    }

    @Test("while the destination throttles, one worker probes at a time and none sends before Retry-After")
    func oneProberWhileThrottled() async throws {
        let sink = ThrottlingSink(clock: ManualClock(), throttles: 6)
        let ids = try await Self.run(workers: 3, sink: sink, arrivals: [(.zero, 300)])
        #expect(sink.delivered.withLock { $0 }.sorted() == ids.sorted())
        let calls = sink.calls.withLock { $0 }
        guard let firstThrottle = calls.first(where: \.throttled)?.at,
            let recovery = calls.firstIndex(where: { !$0.throttled && $0.at > firstThrottle })
        else {
            Issue.record("expected throttled calls followed by a recovery: \(calls.map(\.throttled))")
            return
        }
        // Workers may have sent together before the first 429 came back; after it, the calls up to the
        // recovery come one at a time, each at least Retry-After (1 s) after the previous 429.
        let probes = calls[..<recovery].filter { $0.at > firstThrottle }.map(\.at)
        var previous = firstThrottle
        for probe in probes {
            #expect(previous.duration(to: probe) >= .seconds(1), "a call \(previous.duration(to: probe)) after a 429")
            previous = probe
        }
        #expect(probes.count >= 6 - 3, "three workers can take at most three 429s at once")
        #expect(previous.duration(to: calls[recovery].at) >= .seconds(1))
        // Once it answers again, every worker sends: batches overlap.
        #expect(sink.inFlight.withLock { $0.most } == 3)
    }

    @Test("rows arriving while a batch fills join that batch: two workers do not each take half and wait twice as long")
    func oneWorkerFillsAtATime() async throws {
        let sink = ThrottlingSink(
            clock: ManualClock(), throttles: 0, batch: BatchConfiguration(maxEvents: 100, timeout: .seconds(1)),
            hold: .milliseconds(100))
        // Ten rows every 100 ms: each arrival wakes both workers, and either may claim first.
        let steady = (0..<10).map { (after: Duration.milliseconds(100 * $0), count: 10) }
        let ids = try await Self.run(workers: 2, sink: sink, arrivals: steady + [(.seconds(5), 10)])
        #expect(sink.delivered.withLock { $0 }.sorted() == ids.sorted())
        // The first ten arrivals fill one batch of 100; the last waits out its timeout alone.
        #expect(sink.batchSizes.withLock { $0 } == [100, 10])
    }

    @Test(
        "a drain whose batch cannot be retried before its deadline stops, with the rows kept, instead of claiming it again",
        .timeLimit(.minutes(1)))
    func drainStopsAtAClosedGate() async throws {
        let clock = ManualClock()
        let sink = ThrottlingSink(clock: clock, throttles: .max)
        let fixture = try SinkWorkerFixture("drain")
        defer { fixture.remove() }
        try await fixture.append(20, for: sink.name, at: clock)
        let worker = SinkWorkerFixture.worker(sink, fixture.store, clock)

        // Retry-After (1 s) reaches past the deadline: the first 429 ends the drain.
        let result = try await worker.drain(until: clock.now.advanced(by: .milliseconds(500)))
        #expect(result.delivered == 0 && result.remaining == 20)
        #expect(sink.calls.withLock { $0.count } == 1)
    }
}
