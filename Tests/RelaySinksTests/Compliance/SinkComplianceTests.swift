import RelayCore
import RelayState
import Testing

/// The contract every sink keeps, run against each one (``ComplianceSubjects/all``): it delivers,
/// reports retriable and permanent failures as such, and through a real `SinkWorker` and
/// `SQLiteStateStore` delivers every row exactly once after a fault, removes rows only after
/// delivery, dead-letters refused rows with the destination's words, and loses nothing across a
/// restart in the middle of a batch.
@Suite("Sink compliance", .timeLimit(.minutes(2)))
struct SinkComplianceTests {
    private func entries(_ count: Int, clock: ManualClock) -> [OutboxEntry] {
        Compliance.records(count, clock: clock).enumerated().map { index, record in
            OutboxEntry(
                id: Int64(index + 1), eventID: record.eventID, timestamp: record.timestamp, platform: record.platform,
                payload: record.payload, enqueuedAt: clock.now.timestamp)
        }
    }

    @Test("a batch is delivered and visible at the destination", arguments: ComplianceSubjects.all)
    func delivers(subject: ComplianceSubject) async throws {
        let clock = ManualClock()
        try await Compliance.withDirectory { (directory: String) async throws in
            let store = try Compliance.openStore(directory)
            try await subject.run(clock) { (destination: ComplianceDestination) async throws in
                let batch = entries(5, clock: clock)
                #expect(await Compliance.deliverAndConfirm(destination.makeSink(store), batch) == .delivered)
                #expect(try destination.arrived() == batch.map(\.eventID))
            }
        }
    }

    @Test("a retriable failure is reported as one to retry (retriable or unavailable) and delivers nothing", arguments: ComplianceSubjects.all)
    func retriable(subject: ComplianceSubject) async throws {
        let clock = ManualClock()
        try await Compliance.withDirectory { (directory: String) async throws in
            let store = try Compliance.openStore(directory)
            try await subject.run(clock) { (destination: ComplianceDestination) async throws in
                try destination.failRetriably()
                let outcome = await destination.makeSink(store).deliver(entries(3, clock: clock))
                guard outcome.retryDetails != nil else {
                    Issue.record("expected a retriable failure, got \(outcome)")
                    return
                }
                #expect(try destination.arrived().isEmpty)
            }
        }
    }

    @Test("a permanent failure is reported as rejected with the destination's words", arguments: ComplianceSubjects.withPermanentFailure)
    func rejected(subject: ComplianceSubject) async throws {
        let clock = ManualClock()
        try await Compliance.withDirectory { (directory: String) async throws in
            let store = try Compliance.openStore(directory)
            try await subject.run(clock) { (destination: ComplianceDestination) async throws in
                let failure = try #require(destination.permanentFailure?(store))
                let outcome = await failure.sink.deliver(entries(1, clock: clock))
                guard case .rejected(let reason) = outcome else {
                    Issue.record("expected a rejection, got \(outcome)")
                    return
                }
                #expect(reason.contains(failure.words), "\(reason)")
                #expect(try destination.arrived().isEmpty)
            }
        }
    }

    @Test(
        "through a worker: a retriable fault then success delivers every row exactly once, rows leaving the outbox only after delivery",
        arguments: ComplianceSubjects.all)
    func workerRetriesThenDelivers(subject: ComplianceSubject) async throws {
        let clock = ManualClock()
        try await Compliance.withDirectory { (directory: String) async throws in
            let store = try Compliance.openStore(directory)
            let records = Compliance.records(40, clock: clock)
            _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
            try await subject.run(clock) { (destination: ComplianceDestination) async throws in
                try destination.failRetriably()
                let probe = OutboxProbe(destination.makeSink(store), store: store)
                let result = try await Compliance.driveClock(clock, beforeAdvance: { try? destination.recover() }) {
                    try await Compliance.worker(probe, store: store, clock: clock).drain(until: clock.now.advanced(by: .seconds(3600)))
                }
                #expect(result.delivered == records.count)
                #expect(result.deadLettered == 0)
                #expect(result.remaining == 0)
                let arrived = try destination.arrived()
                #expect(arrived.count == records.count, "no duplicates")
                #expect(Set(arrived) == Set(records.map(\.eventID)))
                // Every send (the failed one included) saw all rows still in the outbox.
                let depths = probe.depths.withLock { $0 }
                #expect(depths.count >= 2)
                #expect(depths.allSatisfy { $0 == records.count }, "\(depths)")
                #expect(try await store.outboxDepth(sink: Compliance.sinkName) == 0)
            }
        }
    }

    @Test("through a worker: a refused batch goes to dead letters with the destination's words", arguments: ComplianceSubjects.withPermanentFailure)
    func workerDeadLetters(subject: ComplianceSubject) async throws {
        let clock = ManualClock()
        try await Compliance.withDirectory { (directory: String) async throws in
            let store = try Compliance.openStore(directory)
            let records = Compliance.records(1, clock: clock)
            _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
            try await subject.run(clock) { (destination: ComplianceDestination) async throws in
                let failure = try #require(destination.permanentFailure?(store))
                let result = try await Compliance.driveClock(clock) {
                    try await Compliance.worker(failure.sink, store: store, clock: clock).drain(until: clock.now.advanced(by: .seconds(3600)))
                }
                #expect(result.deadLettered == 1)
                #expect(result.remaining == 0)
                let letters = try await store.deadLetters(limit: 10)
                #expect(letters.map(\.eventID) == records.map(\.eventID))
                #expect(letters.first?.reason.contains(failure.words) == true, "\(letters.first?.reason ?? "")")
                #expect(letters.first?.sink == Compliance.sinkName)
                #expect(try destination.arrived().isEmpty)
            }
        }
    }

    @Test(
        "a restart mid-batch (sent, not yet acknowledged; a new store on the same file) loses no row",
        arguments: ComplianceSubjects.all)
    func restartMidBatch(subject: ComplianceSubject) async throws {
        let clock = ManualClock()
        try await Compliance.withDirectory { (directory: String) async throws in
            let records = Compliance.records(30, clock: clock)
            try await subject.run(clock) { (destination: ComplianceDestination) async throws in
                let before = try Compliance.openStore(directory)
                _ = try await before.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
                // The first process claims a batch and sends it, then dies before acknowledging.
                let claimed = try await before.claim(
                    sink: Compliance.sinkName, maxEvents: 10, maxBytes: 1 << 20, now: clock.now,
                    leaseUntil: clock.now.advanced(by: .seconds(600)))
                #expect(claimed.count == 10)
                _ = await destination.makeSink(before).deliver(claimed)

                // The restarted process opens the same file; the dead worker's lease runs out.
                clock.advance(by: .seconds(601))
                let after = try Compliance.openStore(directory)
                let result = try await Compliance.driveClock(clock) {
                    try await Compliance.worker(destination.makeSink(after), store: after, clock: clock)
                        .drain(until: clock.now.advanced(by: .seconds(3600)))
                }
                #expect(result.remaining == 0)
                #expect(result.deadLettered == 0)
                let arrived = try destination.arrived()
                #expect(Set(arrived) == Set(records.map(\.eventID)), "every row arrived")
                // Duplicates only where an acknowledgement was lost: the batch in flight at the crash.
                let duplicates = Set(Dictionary(grouping: arrived, by: { $0 }).filter { $0.value.count > 1 }.keys)
                #expect(duplicates.isSubset(of: Set(claimed.map(\.eventID))))
                #expect(try await after.outboxDepth(sink: Compliance.sinkName) == 0)
            }
        }
    }
}
