import Foundation
import Logging
import RelayCore
import RelayState
import Synchronization
import Testing

/// A sink that answers the first `throttles` calls with 429 + `Retry-After: 1`, then holds each
/// batch for 10 s (on the manual clock) before accepting it, so that batches of several workers
/// can be seen in flight together.
private final class ThrottlingSink: Sink, Sendable {
    struct Call: Sendable {
        var at: WallInstant
        var throttled: Bool
    }

    let name = "throttling"
    let batch = BatchConfiguration(maxEvents: 50, maxBytes: 10 << 20, timeout: .zero)
    let retry = RetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(400))
    let clock: ManualClock
    let throttlesLeft: Mutex<Int>
    let calls = Mutex<[Call]>([])
    let delivered = Mutex<[String]>([])
    let inFlight = Mutex((now: 0, most: 0))

    init(clock: ManualClock, throttles: Int) {
        self.clock = clock
        self.throttlesLeft = Mutex(throttles)
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
        try? await clock.sleep(until: clock.now.advanced(by: .seconds(10)), tolerance: nil)
        inFlight.withLock { $0.now -= 1 }
        delivered.withLock { $0 += entries.map(\.eventID) }
        return .delivered
    }
}

@Suite("Sink worker: concurrency")
struct SinkWorkerConcurrencyTests {
    /// Runs `workers` workers sharing one gate over `events` outbox rows until the sink has them all
    /// or 10 minutes pass on the manual clock.
    private static func run(workers: Int, events: Int, throttles: Int) async throws -> (ThrottlingSink, [String], WallInstant) {
        let clock = ManualClock()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ccrelay-workers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory.appendingPathComponent("s.sqlite").path))
        let ids = (0..<events).map { EventID.make(platform: .genesys, nativeID: "n\($0)") }
        let records = ids.map {
            PendingRecord(eventID: $0, timestamp: clock.now.timestamp, platform: .genesys, payload: Array("{}".utf8), sinks: ["throttling"])
        }
        _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
        let sink = ThrottlingSink(clock: clock, throttles: throttles)
        var logger = Logger(label: "ccrelay.tests")
        logger.logLevel = .critical
        let gate = SinkGate(recheck: sink.retry.initialBackoff)
        let signal = OutboxSignal()
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<workers {
                let worker = SinkWorker(
                    sink: sink, store: store, clock: clock, signal: signal, telemetry: PipelineTelemetry(), health: SinkHealth(),
                    index: index, gate: gate, logger: logger)
                group.addTask { try? await worker.run() }
            }
            while sink.delivered.withLock({ $0.count }) < events, clock.now < start.advanced(by: .seconds(600)) {
                // Every worker sleeps on the clock when it has nothing to do right now (idle, backing off,
                // holding for the gate, or inside the sink): only then does time move.
                await clock.waitForSleepers(count: workers)
                clock.advance(by: .milliseconds(100))
                await Task.yield()
            }
            group.cancelAll()
        }
        try store.close()
        return (sink, ids, start)
    }

    @Test("two workers keep two batches in flight; every event is delivered once")
    func batchesOverlap() async throws {
        let (sink, ids, _) = try await Self.run(workers: 2, events: 200, throttles: 0)
        #expect(sink.delivered.withLock { $0 }.sorted() == ids.sorted())
        #expect(sink.inFlight.withLock { $0.most } == 2)
    }

    @Test("while the destination throttles, one worker probes at a time and none sends before Retry-After")
    func oneProberWhileThrottled() async throws {
        let (sink, ids, _) = try await Self.run(workers: 3, events: 300, throttles: 6)
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
}
