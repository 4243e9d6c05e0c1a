import Logging
import RelayCore
import RelayState
import RelayTesting
import Synchronization
import Testing

/// A destination with indexer acknowledgement whose answers to the acknowledgement poll are scripted.
private final class AcknowledgingSink: Sink, Sendable {
    enum Policy: Sendable {
        /// Confirms nothing until at least this many batches were sent, then everything sent.
        case afterBatches(Int)
        /// Confirms only a batch whose events were all sent before (the first send of each is lost).
        case secondSendOnly
        /// Every poll fails.
        case failing
    }

    struct State {
        var nextToken: Int64 = 0
        var batches: [AckToken: [String]] = [:]
        var sends: [String: Int] = [:]
        var confirmed: [String] = []
        var polls = 0
        var mostPendingAtPoll = 0
    }

    let name = "acking"
    let batch = BatchConfiguration(maxEvents: 10, maxBytes: 10 << 20, timeout: .zero)
    let retry = RetryPolicy()
    let acknowledgement: AcknowledgementConfiguration?
    let policy: Mutex<Policy>
    let state = Mutex(State())

    init(_ policy: Policy, timeout: Duration = .seconds(300)) {
        self.policy = Mutex(policy)
        acknowledgement = AcknowledgementConfiguration(pollInterval: .seconds(10), timeout: timeout)
    }

    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        state.withLock { state in
            let token = AckToken(group: 0, id: state.nextToken)
            state.nextToken += 1
            state.batches[token] = entries.map(\.eventID)
            for entry in entries { state.sends[entry.eventID, default: 0] += 1 }
            return .awaitingAcknowledgement(token)
        }
    }

    func confirm(_ tokens: [AckToken]) async -> AckConfirmation {
        let policy = policy.withLock { $0 }
        return state.withLock { state in
            state.polls += 1
            state.mostPendingAtPoll = max(state.mostPendingAtPoll, tokens.count)
            let confirmed: [AckToken]
            switch policy {
            case .failing: return .failed(reason: "ack query answered HTTP 503")
            case .afterBatches(let count): confirmed = state.nextToken >= count ? tokens : []
            case .secondSendOnly:
                confirmed = tokens.filter { token in
                    state.batches[token]?.allSatisfy { (state.sends[$0] ?? 0) >= 2 } == true
                }
            }
            for token in confirmed { state.confirmed += state.batches[token] ?? [] }
            return .confirmed(Set(confirmed))
        }
    }
}

/// An outbox that records the writes and claim leases a worker makes, passing them on.
private final class RecordingOutbox: OutboxStore {
    struct Calls {
        var acknowledged: [Int] = []
        var released: [Int] = []
        var leases: [Duration] = []
    }

    let inner: any OutboxStore
    let calls = Mutex(Calls())

    init(_ inner: any OutboxStore) { self.inner = inner }

    func claim(sink: String, maxEvents: Int, maxBytes: Int, now: WallInstant, leaseUntil: WallInstant) async throws
        -> [OutboxEntry]
    {
        calls.withLock { $0.leases.append(now.duration(to: leaseUntil)) }
        return try await inner.claim(
            sink: sink, maxEvents: maxEvents, maxBytes: maxBytes, now: now, leaseUntil: leaseUntil)
    }

    func acknowledge(sink: String, ids: [Int64]) async throws {
        calls.withLock { $0.acknowledged.append(ids.count) }
        try await inner.acknowledge(sink: sink, ids: ids)
    }

    func release(sink: String, ids: [Int64]) async throws {
        calls.withLock { $0.released.append(ids.count) }
        try await inner.release(sink: sink, ids: ids)
    }

    func deadLetter(sink: String, entries: [OutboxEntry], reason: String, attempts: Int, now: WallInstant) async throws
    {
        try await inner.deadLetter(sink: sink, entries: entries, reason: reason, attempts: attempts, now: now)
    }

    func move(sink: String, ids: [Int64], toSink: String) async throws {
        try await inner.move(sink: sink, ids: ids, toSink: toSink)
    }

    func outboxDepth(sink: String) async throws -> Int { try await inner.outboxDepth(sink: sink) }

    func oldestEnqueued(sink: String) async throws -> Timestamp? { try await inner.oldestEnqueued(sink: sink) }
}

@Suite("Sink worker acknowledgements")
struct SinkWorkerAcknowledgementTests {
    private static func worker(
        _ sink: AcknowledgingSink, _ store: any OutboxStore, _ clock: ManualClock,
        telemetry: PipelineTelemetry
    ) -> SinkWorker {
        SinkWorker(
            sink: sink, store: store, clock: clock, signal: OutboxSignal(), telemetry: telemetry, health: SinkHealth(),
            logger: Logger.quiet("ccrelay.tests"))
    }

    @Test("the worker keeps sending far past 64 pending batches; one poll confirms them all")
    func sendsPastOldBatchLimit() async throws {
        let fixture = try SinkWorkerFixture("ack-many")
        defer { fixture.remove() }
        let clock = ManualClock()
        let ids = try await fixture.append(3000, for: "acking", at: clock)
        let sink = AcknowledgingSink(.afterBatches(300))
        let telemetry = PipelineTelemetry()
        let outbox = RecordingOutbox(fixture.store)
        let worker = Self.worker(sink, outbox, clock, telemetry: telemetry)

        let result = try await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(120), step: .seconds(1))
            .get()
        #expect(result.delivered == 3000)
        #expect(result.remaining == 0)
        let state = sink.state.withLock { $0 }
        #expect(state.mostPendingAtPoll == 300)
        #expect(state.polls == 1)
        #expect(Set(state.confirmed) == Set(ids))
        #expect(telemetry.sink("acking").batches == 300)
        #expect(telemetry.sink("acking").resent == 0)
        // The rows of all 300 confirmed batches left the outbox in one write.
        #expect(outbox.calls.withLock { $0.acknowledged } == [3000])
    }

    @Test(
        "a batch whose acknowledgement times out goes back to the outbox, is sent again and delivered once acknowledged"
    )
    func expiredBatchIsResent() async throws {
        let fixture = try SinkWorkerFixture("ack-expire")
        defer { fixture.remove() }
        let clock = ManualClock()
        let ids = try await fixture.append(25, for: "acking", at: clock)
        let sink = AcknowledgingSink(.secondSendOnly, timeout: .seconds(30))
        let telemetry = PipelineTelemetry()
        let outbox = RecordingOutbox(fixture.store)
        let worker = Self.worker(sink, outbox, clock, telemetry: telemetry)

        let result = try await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(300), step: .seconds(1))
            .get()
        #expect(result.delivered == 25)
        #expect(result.remaining == 0)
        let state = sink.state.withLock { $0 }
        #expect(state.sends == Dictionary(uniqueKeysWithValues: ids.map { ($0, 2) }))
        #expect(state.confirmed.sorted() == ids.sorted())
        #expect(telemetry.sink("acking").resent == 25)
        let calls = outbox.calls.withLock { $0 }
        // The three expired batches went back to the outbox in one write.
        #expect(calls.released == [25])
        // Claimed rows stay leased for the configured lease, which is also how soon another instance
        // takes over a dead one's rows.
        #expect(calls.leases.allSatisfy { $0 == .seconds(600) })
    }

    @Test("failing acknowledgement polls mark acknowledgements as failing; a successful poll clears it")
    func failingPolls() async throws {
        let fixture = try SinkWorkerFixture("ack-failing")
        defer { fixture.remove() }
        let clock = ManualClock()
        try await fixture.append(10, for: "acking", at: clock)
        let sink = AcknowledgingSink(.failing)
        let telemetry = PipelineTelemetry()
        let worker = Self.worker(sink, fixture.store, clock, telemetry: telemetry)

        let failing = try await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(35), step: .seconds(1))
            .get()
        #expect(failing.delivered == 0)
        #expect(failing.remaining == 10)
        #expect(telemetry.sink("acking").consecutiveAckPollFailures >= 3)
        #expect(telemetry.sink("acking").acknowledgementsFailing)
        #expect(telemetry.sink("acking").lastAckPollError == "ack query answered HTTP 503")

        sink.policy.withLock { $0 = .afterBatches(0) }
        let recovered = try await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(35), step: .seconds(1))
            .get()
        #expect(recovered.delivered == 10)
        #expect(recovered.remaining == 0)
        #expect(!telemetry.sink("acking").acknowledgementsFailing)
        #expect(telemetry.sink("acking").lastAckPollError == nil)
    }
}
