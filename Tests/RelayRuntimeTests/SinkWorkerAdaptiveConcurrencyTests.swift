import Logging
import RelayCore
import RelayTesting
import Synchronization
import Testing

/// A destination with room for `capacity` requests at once: each takes `hold` on the manual clock;
/// a request beyond the capacity is answered 503 at once, or, when `slowsDown`, accepted but
/// takes `hold` once more for each request beyond the capacity.
private final class BusyAboveCapacitySink: Sink, Sendable {
    let name = "busy"
    let batch: BatchConfiguration
    let retry = RetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(400))
    let clock: ManualClock
    let capacity: Int
    let hold: Duration
    let slowsDown: Bool
    let inFlight = Mutex(0)
    /// Per call, in call order: the requests in flight with it, and whether it was refused.
    let calls = Mutex<[(inFlight: Int, refused: Bool)]>([])
    let delivered = Mutex<[String]>([])

    init(clock: ManualClock, capacity: Int, workers: Int, slowsDown: Bool = false, hold: Duration = .milliseconds(100))
    {
        self.clock = clock
        self.slowsDown = slowsDown
        self.capacity = capacity
        self.hold = hold
        self.batch = BatchConfiguration(maxEvents: 20, timeout: .zero, maxConcurrency: workers)
    }

    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        let now = inFlight.withLock { count in
            count += 1
            return count
        }
        let refused = now > capacity && !slowsDown
        calls.withLock { $0.append((now, refused)) }
        if refused {
            inFlight.withLock { $0 -= 1 }
            return .unavailable(reason: "HTTP 503", retryAfter: nil)
        }
        let took = hold * (1 + max(0, now - capacity))
        try? await clock.sleep(until: clock.now.advanced(by: took), tolerance: nil)
        inFlight.withLock { $0 -= 1 }
        delivered.withLock { $0 += entries.map(\.eventID) }
        return .delivered
    }
}

@Suite("Sink worker: adaptive concurrency")
struct SinkWorkerAdaptiveConcurrencyTests {
    @Test(
        "workers sharing an adaptive limit find a destination's capacity (503 or slower answers above it): every event delivered once",
        arguments: [false, true])
    func convergesBelowCapacity(slowsDown: Bool) async throws {
        let clock = ManualClock()
        let workers = 16
        let sink = BusyAboveCapacitySink(clock: clock, capacity: 4, workers: workers, slowsDown: slowsDown)
        #expect(sink.batch.isAdaptive && sink.batch.workers == workers)
        let fixture = try SinkWorkerFixture("adaptive")
        defer { fixture.remove() }
        let gate = SinkGate(recheck: sink.retry.initialBackoff)
        let limiter = ConcurrencyLimiter(batch: sink.batch, recheck: sink.retry.initialBackoff)
        let telemetry = PipelineTelemetry()
        let signal = OutboxSignal()
        let ids = try await fixture.append(2_000, for: sink.name, at: clock)
        let start = clock.now
        var limits: [Int] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<workers {
                let worker = SinkWorker(
                    sink: sink, store: fixture.store, clock: clock, signal: signal, telemetry: telemetry,
                    health: SinkHealth(), index: index, gate: gate, limiter: limiter,
                    logger: Logger.quiet("ccrelay.tests"))
                group.addTask { try? await worker.run() }
            }
            while sink.delivered.withLock({ $0.count }) < ids.count, clock.now < start.advanced(by: .seconds(600)) {
                await clock.waitForSleepers(count: workers)
                limits.append(limiter.limit)
                clock.advance(by: .milliseconds(50))
                await Task.yield()
            }
            group.cancelAll()
        }
        #expect(sink.delivered.withLock { $0 }.sorted() == ids.sorted())
        let calls = sink.calls.withLock { $0 }
        let beyond = calls.filter { $0.inFlight > sink.capacity }.count
        #expect(beyond * 5 < calls.count, "\(beyond) of \(calls.count) calls beyond the capacity")
        // The limit found the capacity, and over the second half it stays at most one above it, as
        // do the requests in flight.
        #expect(limits.max() ?? 0 >= 4)
        #expect(limits.suffix(limits.count / 2).allSatisfy { $0 <= 5 }, "limits: \(limits)")
        #expect(calls.suffix(calls.count / 2).allSatisfy { $0.inFlight <= 5 })
        #expect(telemetry.sink(sink.name).concurrencyLimit == limiter.limit)
    }

    @Test("a pinned concurrency keeps the workers' requests at that number")
    func pinnedConcurrency() async throws {
        let limiter = ConcurrencyLimiter(
            batch: BatchConfiguration(concurrency: 3, maxConcurrency: 32), recheck: .milliseconds(100))
        #expect(limiter.limit == 3)
        #expect((0..<4).map { limiter.admitsClaim(worker: $0) } == [true, true, true, false])
        let now = ManualClock().now
        #expect((0..<4).map { _ in limiter.acquire() } == [true, true, true, false])
        limiter.release(.unavailable(reason: "HTTP 429", retryAfter: nil), sentAt: now, now: now)
        #expect(limiter.limit == 3)
    }
}
