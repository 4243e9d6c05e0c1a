import Logging

extension SinkWorker {
    /// The decisions of one batch's delivery, with system randomness for the jitter.
    typealias Delivery = DeliveryStateMachine<SystemRandomNumberGenerator>

    /// Sends one batch until it has a fate. Rows leave the outbox only when delivered (or confirmed),
    /// dead-lettered or moved to a fallback sink; rows given back stay for later; rows awaiting
    /// acknowledgement go to `tracker`. While the destination is down (the sink's ``SinkGate`` is
    /// closed), only the probing worker sends; this one holds its batch. Each request takes a permit
    /// of the sink's ``ConcurrencyLimiter``, fed back with the answer. A ``DeliveryStateMachine``
    /// decides what each answer means; this performs its actions. The halves of a bisected batch are
    /// delivered one after the other, the first one first, each as a batch of its own. `claimedAt`
    /// (when the rows were claimed) starts the batch latency measured at their confirmation.
    func deliver(
        _ batch: [OutboxEntry], claimedAt: WallInstant, deadline: WallInstant? = nil, tracker: inout AckTracker
    ) async throws -> Tally {
        var tally = Tally()
        var batches = [batch]
        while let entries = batches.popLast() {
            guard !entries.isEmpty else { continue }
            var machine = Delivery(
                entries: entries, policy: sink.retry, deadline: deadline, generator: SystemRandomNumberGenerator())
            tally += try await deliver(&machine, claimedAt: claimedAt, tracker: &tracker, bisected: &batches)
        }
        return tally
    }

    /// Performs `machine`'s actions until its batch has a fate; the halves of a bisection go on
    /// `bisected`, the first one last (it is delivered next).
    private func deliver(
        _ machine: inout Delivery,
        claimedAt: WallInstant,
        tracker: inout AckTracker,
        bisected: inout [[OutboxEntry]]
    ) async throws -> Tally {
        var tally = Tally()
        var prepared: PreparedBatch?
        // Whether this worker waits, with its batch prepared, for a permit (ahead of later comers).
        var queued = false
        defer { if queued { limiter?.leaveQueue() } }
        while true {
            switch machine.admit(gate.admit(worker: index, now: clock.now)) {
            case .send:
                break
            case .wait(let instant):
                // Held by the gate (another worker probes): not waiting for a permit meanwhile.
                if queued {
                    limiter?.leaveQueue()
                    queued = false
                }
                guard await sleep(until: instant) else { return try await giveBack(machine.entries, tally: tally) }
                continue
            case .giveBack(let entries):
                return try await giveBack(entries, tally: tally)
            }
            // The request body is made before waiting for a permit: while the requests in flight
            // take their round trip, this batch is encoded and compressed.
            if prepared.map({ !$0.entries.elementsEqual(machine.entries, by: { $0.id == $1.id }) }) ?? true {
                prepared = sink.prepare(machine.entries)
            }
            let permitGeneration = signal.generation(of: sink.name)
            let permitted = limiter?.acquire(queued: queued) ?? true
            if permitted {
                queued = false
            } else if !queued {
                limiter?.joinQueue()
                queued = true
            }
            guard permitted else {
                // As many requests in flight as the limit allows: the next answer frees a permit
                // (and notifies); the recheck bounds the wait.
                await waitForWork(
                    since: permitGeneration, until: clock.now.advanced(by: limiter?.recheck ?? .zero))
                guard !Task.isShuttingDownGracefully, !Task.isCancelled else {
                    return try await giveBack(machine.entries, tally: tally)
                }
                continue
            }
            let sentAt = clock.now
            let outcome = await sink.send(prepared ?? sink.prepare(machine.entries))
            if let limiter {
                telemetry.recordConcurrencyLimit(
                    sink: sink.name, limit: limiter.release(outcome, sentAt: sentAt, now: clock.now))
                signal.notify(sinks: [sink.name])
            }
            let action = machine.received(outcome, now: clock.now)
            if action.opensGate { gate.open() }
            var step = action.step
            if case .settle(let settlement) = step {
                try await settle(settlement, claimedAt: claimedAt)
                tally.delivered += settlement.deliveredEvents
                tally.deadLettered += settlement.deadLetteredEvents
                step = machine.settled(now: clock.now)
            }
            switch step {
            case .acknowledge(let entries):
                try await acknowledge(ids: entries.map(\.id), claimedAt: [claimedAt])
                tally.delivered += entries.count
                return tally
            case .awaitAcknowledgement(let token, let entries):
                tracker.add(token, entries: entries, sentAt: clock.now, claimedAt: claimedAt)
                telemetry.recordPendingAcks(sink: sink.name, worker: index, batches: tracker.count)
                tally.pending += entries.count
                return tally
            case .deadLetter(let letters):
                try await moveToDeadLetters(letters)
                tally.deadLettered += letters.entries.count
                return tally
            case .dropPoisoned(let delivered, let token?, let letters):
                // The events before the poisoned one count once their acknowledgement reads true.
                tracker.add(token, entries: delivered, sentAt: clock.now, claimedAt: claimedAt)
                telemetry.recordPendingAcks(sink: sink.name, worker: index, batches: tracker.count)
                tally.pending += delivered.count
                try await moveToDeadLetters(letters)
                tally.deadLettered += letters.entries.count
                if machine.entries.isEmpty { return tally }
            case .dropPoisoned(let delivered, nil, let letters):
                if !delivered.isEmpty {
                    try await acknowledge(ids: delivered.map(\.id), claimedAt: [claimedAt])
                    tally.delivered += delivered.count
                }
                try await moveToDeadLetters(letters)
                tally.deadLettered += letters.entries.count
                if machine.entries.isEmpty { return tally }
            case .bisect(let first, let second):
                bisected += [second, first]
                return tally
            case .giveUp(let failedAttempt, let letters):
                telemetry.recordFailedAttempt(sink: sink.name, error: failedAttempt)
                try await moveToDeadLetters(letters)
                tally.deadLettered += letters.entries.count
                return tally
            case .retry(let retry):
                guard await wait(retry) else { return try await giveBack(machine.entries, tally: tally) }
            case .finished, .settle:
                return tally
            }
        }
    }

    /// Records a failed send and waits for its retry; false when the entries are to be given back
    /// (the retry falls after the deadline, or shutdown interrupted the wait).
    private func wait(_ retry: Delivery.Retry) async -> Bool {
        if let reason = retry.credentialRejected, health.markRejected(sink.name, reason: reason) {
            logger.error(
                "Destination rejected the sink's credential; intake feeding only this sink halts",
                metadata: ["ccrelay.error": "\(reason)"])
        }
        telemetry.recordFailedAttempt(sink: sink.name, error: retry.failedAttempt)
        if retry.closesGate { gate.close(by: index, retryAt: retry.wakeAt) }
        switch retry.log {
        case .outage(let reason, let failures, let delay):
            logger.warning(
                "Destination unavailable; the batch waits in the outbox and is retried",
                metadata: [
                    "ccrelay.error": "\(reason)", "ccrelay.failures": "\(failures)",
                    "ccrelay.retry_in_secs": "\(delay.seconds)",
                ])
        case .attempt(let reason, let attempt, let delay):
            logger.warning(
                "Batch delivery failed; retrying",
                metadata: [
                    "ccrelay.error": "\(reason)", "ccrelay.attempt": "\(attempt)",
                    "ccrelay.retry_in_secs": "\(delay.seconds)",
                ])
        case nil:
            break
        }
        if retry.givesBack { return false }
        return await sleep(until: retry.wakeAt)
    }

    private func giveBack(_ entries: [OutboxEntry], tally: Tally) async throws -> Tally {
        try await store.release(sink: sink.name, ids: entries.map(\.id))
        var tally = tally
        tally.givenBack += entries.count
        return tally
    }

    /// Removes the delivered rows `ids` from the outbox in one write (one transaction), retried as
    /// ``persistFate(_:events:_:)`` describes so a failed removal does not make the rows go out
    /// again. `claimedAt` holds when each of their batches was claimed (one batch latency each).
    func acknowledge(ids: [Int64], claimedAt: [WallInstant]) async throws {
        try await persistFate("removal", events: ids.count) { try await store.acknowledge(sink: sink.name, ids: ids) }
        telemetry.recordDelivery(
            sink: sink.name, delivered: ids.count, batches: claimedAt.count, claimedAt: claimedAt, at: clock.now)
        if health.markAccepted(sink.name) {
            logger.notice("Destination accepts the sink's credential again; halted intake resumes")
        }
    }

    /// Writes what became of rows the destination has decided on: their removal after delivery,
    /// their dead letters, their move to a fallback sink. A failed write (disk full, database
    /// unreachable) is retried with backoff, so the rows are neither left claimed until the lease
    /// ends nor sent again. Retries stop at shutdown or after one claim lease (by then another
    /// worker may claim the rows); the store's error is then thrown and the rows go out once more.
    func persistFate(_ fate: String, events: Int, _ write: () async throws -> Void) async throws {
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
                        metadata: [
                            "ccrelay.error": "\(error)", "ccrelay.fate": "\(fate)", "ccrelay.events": "\(events)",
                        ])
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

    /// Writes the fates of a partial delivery: removals, dead letters, moves to fallback sinks.
    private func settle(_ settlement: Delivery.Settlement, claimedAt: WallInstant) async throws {
        if !settlement.delivered.isEmpty {
            try await acknowledge(ids: settlement.delivered.map(\.id), claimedAt: [claimedAt])
        }
        for letters in settlement.deadLetters { try await moveToDeadLetters(letters) }
        for move in settlement.moves {
            try await persistFate("move", events: move.ids.count) {
                try await store.move(sink: sink.name, ids: move.ids, toSink: move.target)
            }
            signal.notify(sinks: [move.target])
            logger.notice(
                "Events moved to a fallback sink",
                metadata: ["ccrelay.events": "\(move.ids.count)", "ccrelay.fallback": "\(move.target)"])
        }
    }

    private func moveToDeadLetters(_ letters: Delivery.DeadLetters) async throws {
        let (entries, reason, attempts) = (letters.entries, letters.reason, letters.attempts)
        guard !entries.isEmpty else { return }
        try await persistFate("dead_letter", events: entries.count) {
            try await store.deadLetter(
                sink: sink.name, entries: entries, reason: reason, attempts: attempts, now: clock.now)
        }
        telemetry.recordDeadLetters(sink: sink.name, count: entries.count, error: reason)
        logger.error(
            "Events moved to dead letters",
            metadata: [
                "ccrelay.events": "\(entries.count)", "ccrelay.reason": "\(reason)", "ccrelay.attempts": "\(attempts)",
            ]
        )
    }
}
