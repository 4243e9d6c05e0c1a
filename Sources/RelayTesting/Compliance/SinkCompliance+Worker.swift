import RelayCore
import RelayState

extension SinkCompliance {
    /// Through a worker: a retriable fault then success delivers every row exactly once, and every
    /// send (the failed one included) saw all rows still in the outbox.
    static func workerRetriesThenDelivers(
        _ destination: SinkComplianceDestination, directory: String, clock: ManualClock, _ checker: Checker
    ) async throws {
        let store = try SinkComplianceKit.openStore(directory)
        let records = SinkComplianceKit.records(40, clock: clock)
        _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
        try destination.failRetriably()
        let probe = OutboxProbe(destination.makeSink(store), store: store)
        let result = try await clock.driving(step: .seconds(61), beforeAdvance: { try? destination.recover() }) {
            try await SinkComplianceKit.worker(probe, store: store, clock: clock)
                .drain(until: clock.now.advanced(by: .seconds(3600)))
        }
        try checker.require(result.delivered == records.count, "delivered \(result.delivered) of \(records.count)")
        try checker.require(result.deadLettered == 0, "dead-lettered \(result.deadLettered)")
        try checker.require(result.remaining == 0, "\(result.remaining) rows remain")
        let arrived = try destination.arrived()
        try checker.require(
            arrived.count == records.count, "\(arrived.count) arrived for \(records.count) rows (duplicates?)")
        try checker.require(
            Set(arrived) == Set(records.map(\.eventID)), "the rows that arrived are not the rows appended")
        let depths = probe.depths.withLock { $0 }
        try checker.require(depths.count >= 2, "the sink was asked \(depths.count) times; the fault was not retried")
        try checker.require(
            depths.allSatisfy { $0 == records.count }, "a row left the outbox before delivery: \(depths)")
        let depth = try await store.outboxDepth(sink: SinkComplianceKit.sinkName)
        try checker.require(depth == 0, "\(depth) rows left in the outbox")
    }

    /// Through a worker: a refused batch goes to dead letters with the destination's words.
    static func workerDeadLetters(
        _ destination: SinkComplianceDestination, directory: String, clock: ManualClock, _ checker: Checker
    ) async throws {
        let store = try SinkComplianceKit.openStore(directory)
        let records = SinkComplianceKit.records(1, clock: clock)
        _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
        guard let failure = destination.permanentFailure?(store) else {
            throw checker.failure("the harness has no permanent failure")
        }
        let result = try await clock.driving(step: .seconds(61)) {
            try await SinkComplianceKit.worker(failure.sink, store: store, clock: clock)
                .drain(until: clock.now.advanced(by: .seconds(3600)))
        }
        try checker.require(result.deadLettered == 1, "dead-lettered \(result.deadLettered) of 1")
        try checker.require(result.remaining == 0, "\(result.remaining) rows remain")
        let letters = try await store.deadLetters(limit: 10)
        try checker.require(letters.map(\.eventID) == records.map(\.eventID), "dead letters \(letters.map(\.eventID))")
        let reason = letters.first?.reason ?? ""
        try checker.require(
            reason.contains(failure.words), "the dead letter's reason \"\(reason)\" lacks \"\(failure.words)\"")
        try checker.require(letters.first?.sink == SinkComplianceKit.sinkName, "the dead letter names another sink")
        try checker.require(try destination.arrived().isEmpty, "events arrived despite the refusal")
    }

    /// A restart mid-batch (sent, not yet acknowledged; a new store on the same file) loses no row, and
    /// only the batch in flight at the crash may arrive twice.
    static func restartMidBatch(
        _ destination: SinkComplianceDestination, directory: String, clock: ManualClock, _ checker: Checker
    ) async throws {
        let records = SinkComplianceKit.records(30, clock: clock)
        let before = try SinkComplianceKit.openStore(directory)
        _ = try await before.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
        // The first process claims a batch and sends it, then dies before acknowledging.
        let claimed = try await before.claim(
            sink: SinkComplianceKit.sinkName, maxEvents: 10, maxBytes: 1 << 20, now: clock.now,
            leaseUntil: clock.now.advanced(by: .seconds(600)))
        try checker.require(claimed.count == 10, "claimed \(claimed.count) rows, expected 10")
        _ = await destination.makeSink(before).deliver(claimed)

        // The restarted process opens the same file; the dead worker's lease runs out.
        clock.advance(by: .seconds(601))
        let after = try SinkComplianceKit.openStore(directory)
        let result = try await clock.driving(step: .seconds(61)) {
            try await SinkComplianceKit.worker(destination.makeSink(after), store: after, clock: clock)
                .drain(until: clock.now.advanced(by: .seconds(3600)))
        }
        try checker.require(result.remaining == 0, "\(result.remaining) rows remain")
        try checker.require(result.deadLettered == 0, "dead-lettered \(result.deadLettered)")
        let arrived = try destination.arrived()
        try checker.require(Set(arrived) == Set(records.map(\.eventID)), "not every row arrived")
        let duplicates = Set(Dictionary(grouping: arrived, by: { $0 }).filter { $0.value.count > 1 }.keys)
        try checker.require(
            duplicates.isSubset(of: Set(claimed.map(\.eventID))), "rows outside the batch in flight arrived twice")
        let depth = try await after.outboxDepth(sink: SinkComplianceKit.sinkName)
        try checker.require(depth == 0, "\(depth) rows left in the outbox")
    }
}
