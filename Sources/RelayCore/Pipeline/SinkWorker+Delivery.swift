import Logging

extension SinkWorker {
    /// Sends one batch until it has a fate. Rows leave the outbox only when delivered (or confirmed),
    /// dead-lettered or moved to a fallback sink; rows given back stay for later; rows awaiting
    /// acknowledgement go to `tracker`. While the destination is down (the sink's ``SinkGate`` is
    /// closed), only the probing worker sends; this one holds its batch.
    func deliver(_ batch: [OutboxEntry], deadline: WallInstant? = nil, tracker: inout AckTracker) async throws -> Tally {
        var entries = batch
        var tally = Tally()
        var failures = 0
        var credentialFailures = 0
        var outageFailures = 0
        var generator = SystemRandomNumberGenerator()
        /// The destination is down or throttling, not refusing these events: no attempt is used up,
        /// and the sink's other workers hold their batches until this one's retry.
        func waitOutOutage(_ reason: String, retryAfter: Duration?) -> Duration {
            outageFailures += 1
            let delay = sink.retry.delay(afterFailures: outageFailures, atLeast: retryAfter, using: &generator)
            gate.close(by: index, retryAt: clock.now.advanced(by: delay))
            if outageFailures == 1 || outageFailures.isMultiple(of: 10) {
                logger.warning(
                    "Destination unavailable; the batch waits in the outbox and is retried",
                    metadata: [
                        "ccrelay.error": "\(reason)", "ccrelay.failures": "\(outageFailures)",
                        "ccrelay.retry_in_secs": "\(delay.seconds)",
                    ])
            }
            return delay
        }
        while !entries.isEmpty {
            if case .waitUntil(let instant) = gate.admit(worker: index, now: clock.now) {
                if let deadline, instant > deadline { return try await giveBack(entries, tally: tally) }
                guard await sleep(until: instant) else { return try await giveBack(entries, tally: tally) }
                continue
            }
            let delay: Duration
            let outcome = await sink.deliver(entries)
            if outcome.destinationIsTakingData { gate.open() }
            switch outcome {
            case .delivered:
                try await acknowledge(entries)
                tally.delivered += entries.count
                return tally
            case .awaitingAcknowledgement(let token):
                tracker.add(token, entries: entries, sentAt: clock.now)
                telemetry.recordPendingAcks(sink: sink.name, worker: index, batches: tracker.count)
                tally.pending += entries.count
                return tally
            case .rejected(let reason):
                try await moveToDeadLetters(entries, reason: reason, attempts: failures + 1)
                tally.deadLettered += entries.count
                return tally
            case .poisoned(let index, let reason):
                if entries.count == 1 {
                    try await moveToDeadLetters(entries, reason: reason, attempts: failures + 1)
                    tally.deadLettered += 1
                    return tally
                }
                if let index, entries.indices.contains(index) {
                    try await moveToDeadLetters([entries[index]], reason: reason, attempts: failures + 1)
                    tally.deadLettered += 1
                    entries.remove(at: index)
                    continue
                }
                let half = entries.count / 2
                tally += try await deliver(Array(entries[..<half]), deadline: deadline, tracker: &tracker)
                tally += try await deliver(Array(entries[half...]), deadline: deadline, tracker: &tracker)
                return tally
            case .credentialRejected(let reason):
                // Not the batch's fault: no attempt is used up; back off up to the cap and try again.
                credentialFailures += 1
                if health.markRejected(sink.name, reason: reason) {
                    logger.error(
                        "Destination rejected the sink's credential; intake feeding only this sink halts",
                        metadata: ["ccrelay.error": "\(reason)"])
                }
                telemetry.recordFailedAttempt(sink: sink.name, error: reason)
                delay = sink.retry.delay(afterFailures: credentialFailures, using: &generator)
                gate.close(by: index, retryAt: clock.now.advanced(by: delay))
            case .unavailable(let reason, let retryAfter):
                telemetry.recordFailedAttempt(sink: sink.name, error: reason)
                delay = waitOutOutage(reason, retryAfter: retryAfter)
            case .retriable(let reason, let retryAfter):
                failures += 1
                telemetry.recordFailedAttempt(sink: sink.name, error: reason)
                if failures >= sink.retry.maxAttempts {
                    try await moveToDeadLetters(
                        entries, reason: "gave up after \(failures) attempts; last error: \(reason)", attempts: failures)
                    tally.deadLettered += entries.count
                    return tally
                }
                delay = sink.retry.delay(afterFailures: failures, atLeast: retryAfter, using: &generator)
                logger.warning(
                    "Batch delivery failed; retrying",
                    metadata: [
                        "ccrelay.error": "\(reason)", "ccrelay.attempt": "\(failures)",
                        "ccrelay.retry_in_secs": "\(delay.seconds)",
                    ])
            case .partial(let fates):
                entries = try await settle(entries, fates, attempts: failures + 1)
                tally.delivered += fates.delivered.count
                tally.deadLettered += fates.rejected.count
                if entries.isEmpty { return tally }
                telemetry.recordFailedAttempt(sink: sink.name, error: fates.retryReason)
                if fates.retryIsOutage {
                    delay = waitOutOutage(fates.retryReason, retryAfter: fates.retryAfter)
                    break
                }
                failures += 1
                if failures >= sink.retry.maxAttempts {
                    try await moveToDeadLetters(
                        entries, reason: "gave up after \(failures) attempts; last error: \(fates.retryReason)",
                        attempts: failures)
                    tally.deadLettered += entries.count
                    return tally
                }
                delay = sink.retry.delay(afterFailures: failures, atLeast: fates.retryAfter, using: &generator)
            }
            let wakeAt = clock.now.advanced(by: delay)
            if let deadline, wakeAt > deadline {
                return try await giveBack(entries, tally: tally)
            }
            guard await sleep(until: wakeAt) else { return try await giveBack(entries, tally: tally) }
        }
        return tally
    }

    private func giveBack(_ entries: [OutboxEntry], tally: Tally) async throws -> Tally {
        try await store.release(sink: sink.name, ids: entries.map(\.id))
        var tally = tally
        tally.givenBack += entries.count
        return tally
    }

    /// Removes delivered rows from the outbox (retried as ``persistFate(_:events:_:)`` describes,
    /// so a failed removal does not make the rows go out again).
    func acknowledge(_ entries: [OutboxEntry]) async throws {
        let ids = entries.map(\.id)
        try await persistFate("removal", events: ids.count) { try await store.acknowledge(sink: sink.name, ids: ids) }
        telemetry.recordDelivery(sink: sink.name, delivered: ids.count, ids: ids, at: clock.now)
        if health.markAccepted(sink.name) {
            logger.notice("Destination accepts the sink's credential again; halted intake resumes")
        }
    }

    /// Writes what became of rows the destination has decided on: their removal after delivery,
    /// their dead letters, their move to a fallback sink. A failed write (disk full, database
    /// unreachable) is retried with backoff, so the rows are neither left claimed until the lease
    /// ends nor sent again. Retries stop at shutdown or after one claim lease (by then another
    /// worker may claim the rows); the store's error is then thrown and the rows go out once more.
    private func persistFate(_ fate: String, events: Int, _ write: () async throws -> Void) async throws {
        let giveUpAt = clock.now.advanced(by: configuration.lease)
        var failures = 0
        while true {
            do {
                try await write()
                break
            } catch {
                failures += 1
                let wakeAt = clock.now.advanced(by: min(configuration.idlePoll * failures, .seconds(30)))
                if failures == 1 {
                    logger.error(
                        "Outbox write after delivery failed; retrying so the events are not sent again",
                        metadata: ["ccrelay.error": "\(error)", "ccrelay.fate": "\(fate)", "ccrelay.events": "\(events)"])
                }
                guard wakeAt < giveUpAt, await sleep(until: wakeAt) else { throw error }
            }
        }
        if failures > 0 {
            logger.notice(
                "Outbox write after delivery succeeded after retrying",
                metadata: ["ccrelay.fate": "\(fate)", "ccrelay.attempts": "\(failures + 1)"])
        }
    }

    /// Applies per-event fates; returns the entries still to retry.
    private func settle(_ entries: [OutboxEntry], _ fates: PartialDelivery, attempts: Int) async throws -> [OutboxEntry] {
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
        let delivered = fates.delivered.compactMap { byID[$0] }
        if !delivered.isEmpty { try await acknowledge(delivered) }
        for (reason, ids) in Dictionary(grouping: fates.rejected.keys, by: { fates.rejected[$0] ?? "" }) {
            try await moveToDeadLetters(ids.sorted().compactMap { byID[$0] }, reason: reason, attempts: attempts)
        }
        for (target, ids) in Dictionary(grouping: fates.rerouted.keys, by: { fates.rerouted[$0] ?? "" }) {
            try await persistFate("move", events: ids.count) { try await store.move(sink: sink.name, ids: ids.sorted(), toSink: target) }
            signal.notify(sinks: [target])
            logger.notice("Events moved to a fallback sink", metadata: ["ccrelay.events": "\(ids.count)", "ccrelay.fallback": "\(target)"])
        }
        let retry = Set(fates.retriable)
        return entries.filter { retry.contains($0.id) }
    }

    func moveToDeadLetters(_ entries: [OutboxEntry], reason: String, attempts: Int) async throws {
        guard !entries.isEmpty else { return }
        try await persistFate("dead_letter", events: entries.count) {
            try await store.deadLetter(sink: sink.name, entries: entries, reason: reason, attempts: attempts, now: clock.now)
        }
        telemetry.recordDeadLetters(sink: sink.name, count: entries.count, error: reason)
        logger.error(
            "Events moved to dead letters",
            metadata: ["ccrelay.events": "\(entries.count)", "ccrelay.reason": "\(reason)", "ccrelay.attempts": "\(attempts)"]
        )
    }
}
