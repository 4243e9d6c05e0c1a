import RelayCore
import RelayState
import RelayTesting
import Synchronization
import Testing

/// A sink that answers every batch with `outcome` (by default it takes it) and remembers what it was sent.
private final class RecordingSink: Sink, Sendable {
    let name = "recording"
    let batch: BatchConfiguration
    let retry = RetryPolicy()
    let outcome: DeliveryOutcome
    let sent = Mutex<[String]>([])

    init(batchTimeout: Duration = .zero, outcome: DeliveryOutcome = .delivered) {
        batch = BatchConfiguration(maxEvents: 100, maxBytes: 10 << 20, timeout: batchTimeout)
        self.outcome = outcome
    }

    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        sent.withLock { $0 += entries.map(\.eventID) }
        return outcome
    }
}

/// A SQLite store whose writes fail as when its disk is full: `acknowledge` and `deadLetter` while
/// `failuresLeft` is above zero, `claim` on the calls numbered in `failingClaims` (1-based).
private final class FullDiskStore: StateStore, Sendable {
    let base: SQLiteStateStore
    let failuresLeft: Mutex<Int>
    let failingClaims: Set<Int>
    let acknowledgeCalls = Mutex(0)
    let deadLetterCalls = Mutex(0)
    let claimCalls = Mutex(0)

    init(base: SQLiteStateStore, failures: Int, failingClaims: Set<Int> = []) {
        self.base = base
        self.failuresLeft = Mutex(failures)
        self.failingClaims = failingClaims
    }

    private func failIfFull() throws {
        let fail = failuresLeft.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fail { throw RelayError(.stateStore, "database or disk is full (SQLITE_FULL)") }
    }

    func acknowledge(sink: String, ids: [Int64]) async throws {
        acknowledgeCalls.withLock { $0 += 1 }
        try failIfFull()
        try await base.acknowledge(sink: sink, ids: ids)
    }

    func checkpoint(source: String, partition: String) async throws -> String? {
        try await base.checkpoint(source: source, partition: partition)
    }
    func append(
        _ records: [PendingRecord], deadLetters: [DeadLetterDraft], checkpoint: CheckpointUpdate?, lease: LeaseGuard?,
        now: WallInstant
    ) async throws -> AppendResult {
        try await base.append(records, deadLetters: deadLetters, checkpoint: checkpoint, lease: lease, now: now)
    }
    func claim(sink: String, maxEvents: Int, maxBytes: Int, now: WallInstant, leaseUntil: WallInstant) async throws
        -> [OutboxEntry]
    {
        let call = claimCalls.withLock {
            $0 += 1
            return $0
        }
        if failingClaims.contains(call) { throw RelayError(.stateStore, "database or disk is full (SQLITE_FULL)") }
        return try await base.claim(
            sink: sink, maxEvents: maxEvents, maxBytes: maxBytes, now: now, leaseUntil: leaseUntil)
    }
    func release(sink: String, ids: [Int64]) async throws { try await base.release(sink: sink, ids: ids) }
    func deadLetter(sink: String, entries: [OutboxEntry], reason: String, attempts: Int, now: WallInstant) async throws
    {
        deadLetterCalls.withLock { $0 += 1 }
        try failIfFull()
        try await base.deadLetter(sink: sink, entries: entries, reason: reason, attempts: attempts, now: now)
    }
    func outboxDepth(sink: String) async throws -> Int { try await base.outboxDepth(sink: sink) }
    func deadLetters(limit: Int) async throws -> [DeadLetter] { try await base.deadLetters(limit: limit) }
    func purgeLedger(acceptedBefore cutoff: WallInstant) async throws -> Int {
        try await base.purgeLedger(acceptedBefore: cutoff)
    }
    func move(sink: String, ids: [Int64], toSink: String) async throws {
        try await base.move(sink: sink, ids: ids, toSink: toSink)
    }
    func oldestEnqueued(sink: String) async throws -> Timestamp? { try await base.oldestEnqueued(sink: sink) }
    func deadLetter(id: Int64) async throws -> DeadLetter? { try await base.deadLetter(id: id) }
    func replayDeadLetters(ids: [Int64]?, sink: String?, now: WallInstant) async throws -> Int {
        try await base.replayDeadLetters(ids: ids, sink: sink, now: now)
    }
    func purgeDeadLetters(createdBefore cutoff: WallInstant) async throws -> Int {
        try await base.purgeDeadLetters(createdBefore: cutoff)
    }
    func value(forKey key: String) async throws -> String? { try await base.value(forKey: key) }
    func setValue(_ value: String, forKey key: String) async throws { try await base.setValue(value, forKey: key) }
    func acquireLease(source: String, partition: String, owner: String, until: WallInstant, now: WallInstant)
        async throws -> Bool
    {
        try await base.acquireLease(source: source, partition: partition, owner: owner, until: until, now: now)
    }
    func renewLease(source: String, partition: String, owner: String, until: WallInstant) async throws -> Bool {
        try await base.renewLease(source: source, partition: partition, owner: owner, until: until)
    }
    func releaseLease(source: String, partition: String, owner: String) async throws {
        try await base.releaseLease(source: source, partition: partition, owner: owner)
    }
    func lease(source: String, partition: String) async throws -> PartitionLease? {
        try await base.lease(source: source, partition: partition)
    }
    func close() throws { try base.close() }
}

@Suite("Sink worker: state store failures")
struct SinkWorkerStoreFailureTests {
    private static func filledStore(
        events: Int, failures: Int, failingClaims: Set<Int> = [], clock: ManualClock
    ) async throws -> (FullDiskStore, [String], SinkWorkerFixture) {
        let fixture = try SinkWorkerFixture("store-failure")
        let ids = try await fixture.append(events, for: "recording", at: clock)
        return (FullDiskStore(base: fixture.store, failures: failures, failingClaims: failingClaims), ids, fixture)
    }

    private static func worker(_ sink: RecordingSink, _ store: FullDiskStore, _ clock: ManualClock) -> SinkWorker {
        SinkWorkerFixture.worker(sink, store, clock)
    }

    @Test("a delivered batch whose removal fails (disk full) is not sent again: the removal is retried until it works")
    func removalRetriedNotResent() async throws {
        let clock = ManualClock()
        let (store, ids, fixture) = try await Self.filledStore(events: 250, failures: 4, clock: clock)
        defer { fixture.remove() }
        let sink = RecordingSink()
        let worker = Self.worker(sink, store, clock)
        let start = clock.now

        let result = try await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(3600), step: .seconds(1))
            .get()
        #expect(result.delivered == 250 && result.deadLettered == 0 && result.remaining == 0)
        #expect(sink.sent.withLock { $0 } == ids)
        // Five removal attempts for the first batch (backing off 1, 2, 3, 4 s), one each for the other two.
        #expect(store.acknowledgeCalls.withLock { $0 } == 7)
        #expect(clock.now >= start.advanced(by: .seconds(10)))
    }

    @Test("a rejected batch whose dead letters cannot be written (disk full) is not sent again: the write is retried")
    func deadLetterWriteRetried() async throws {
        let clock = ManualClock()
        let (store, ids, fixture) = try await Self.filledStore(events: 100, failures: 3, clock: clock)
        defer { fixture.remove() }
        let sink = RecordingSink(outcome: .rejected(reason: "HTTP 400: invalid event"))
        let worker = Self.worker(sink, store, clock)

        let result = try await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(3600), step: .seconds(1))
            .get()
        #expect(result.deadLettered == 100 && result.remaining == 0)
        #expect(sink.sent.withLock { $0 } == ids)
        #expect(store.deadLetterCalls.withLock { $0 } == 4)
        #expect(try await store.deadLetters(limit: 1_000).count == 100)
    }

    @Test("a removal that keeps failing past the claim's lease gives up with the store's error; the rows stay")
    func removalGivesUpAtLease() async throws {
        let clock = ManualClock()
        let (store, _, fixture) = try await Self.filledStore(events: 10, failures: .max, clock: clock)
        defer { fixture.remove() }
        let sink = RecordingSink()
        let worker = Self.worker(sink, store, clock)
        let start = clock.now

        let outcome = await SinkWorkerFixture.drain(worker, clock: clock, for: .seconds(7200), step: .seconds(30))
        #expect(throws: RelayError.self) { try outcome.get() }
        #expect(sink.sent.withLock { $0.count } == 10)
        #expect(try await store.outboxDepth(sink: "recording") == 10)
        // It kept trying (backing off up to 30 s) for about the lease's 10 minutes, then stopped.
        #expect(store.acknowledgeCalls.withLock { $0 } > 10)
        #expect(clock.now < start.advanced(by: SinkWorker.Configuration().lease * 2))
    }

    @Test("a claim that fails while a batch fills does not strand the rows already claimed: they are sent at once")
    func failedTopUpSendsClaimedRows() async throws {
        let clock = ManualClock()
        let (store, ids, fixture) = try await Self.filledStore(
            events: 10, failures: 0, failingClaims: [2], clock: clock)
        defer { fixture.remove() }
        let sink = RecordingSink(batchTimeout: .seconds(1))
        let worker = Self.worker(sink, store, clock)
        // Well inside the claim's 10-minute lease: rows stranded by the failed top-up would come back only after it.
        let giveUpAt = clock.now.advanced(by: .seconds(60))

        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await worker.run() }
            // Until the rows are sent and removed: the removal follows the send, so stopping at the
            // send alone would race it.
            while clock.now < giveUpAt {
                if sink.sent.withLock({ $0.count }) >= ids.count, (try? await store.outboxDepth(sink: "recording")) == 0
                {
                    break
                }
                await clock.waitForSleepers(count: 1)
                clock.advance(by: .milliseconds(250))
                await Task.yield()
            }
            group.cancelAll()
        }
        #expect(
            store.claimCalls.withLock { $0 } >= 2,
            "the batch never tried to fill, so the failing claim was not exercised")
        #expect(sink.sent.withLock { $0 } == ids)
        #expect(try await store.outboxDepth(sink: "recording") == 0)
    }
}
