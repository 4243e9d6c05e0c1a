import Logging

extension SinkWorker {
    /// How long claimed rows stay reserved: the configured lease (`state.outbox_claim_secs`, default
    /// 600 s, longer than the default acknowledgement timeout and poll). It is also how soon another
    /// instance takes over a dead one's rows, so it is not stretched by the acknowledgement timeout: with
    /// a lease shorter than `ack_timeout_secs`, a batch still awaiting its acknowledgement may be sent
    /// again by another instance (a counted duplicate with the same `event_id`, never a loss).
    var claimLease: Duration { configuration.lease }

    /// Asks the destination about every pending batch in one query: the rows of every confirmed
    /// batch leave the outbox in one write; batches waiting longer than the timeout are given back
    /// to the outbox in one write, to be claimed and sent again (counted as possible duplicates).
    func pollAcknowledgements(_ tracker: inout AckTracker, _ ack: AcknowledgementConfiguration) async throws -> Tally {
        var tally = Tally()
        switch await sink.confirm(tracker.tokens) {
        case .confirmed(let tokens):
            telemetry.recordAckPoll(sink: sink.name, failure: nil)
            tally.delivered += try await remove(tracker.confirm(tokens))
        case .acknowledgementDisabled:
            telemetry.recordAckPoll(sink: sink.name, failure: nil)
            if !tracker.acknowledgementDisabledNoticed {
                tracker.acknowledgementDisabledNoticed = true
                logger.notice("Destination does not acknowledge for this token; an accepted batch counts as delivered")
            }
            tally.delivered += try await remove(tracker.removeAll())
        case .failed(let reason):
            telemetry.recordAckPoll(sink: sink.name, failure: reason)
            logger.warning(
                "Acknowledgement poll failed; batches stay pending", metadata: ["ccrelay.error": "\(reason)"])
        }
        let expired = tracker.expire(now: clock.now, timeout: ack.timeout)
        if !expired.isEmpty {
            let ids = expired.allIDs
            try await persistFate("release", events: ids.count) { try await store.release(sink: sink.name, ids: ids) }
            telemetry.recordResend(sink: sink.name, events: ids.count)
            logger.warning(
                "Acknowledgement timed out; the events go back to the outbox to be sent again (the destination may see them twice, with the same event_id)",
                metadata: ["ccrelay.events": "\(ids.count)", "ccrelay.batches": "\(expired.count)"])
            signal.notify(sinks: [sink.name])
        }
        telemetry.recordPendingAcks(sink: sink.name, worker: index, batches: tracker.count)
        return tally
    }

    /// Removes the rows of confirmed batches in one write; returns how many events they held.
    private func remove(_ batches: [AckTracker.Batch]) async throws -> Int {
        guard !batches.isEmpty else { return 0 }
        let ids = batches.allIDs
        try await acknowledge(ids: ids, claimedAt: batches.map(\.claimedAt))
        return ids.count
    }

    /// At shutdown or the end of a drain: one last poll for what is pending, then the rows still
    /// unconfirmed go back to the outbox (in one write) to be sent again later.
    func finishAcknowledgements(_ tracker: inout AckTracker) async throws {
        guard !tracker.isEmpty else { return }
        if let ack = sink.acknowledgement {
            var unbounded = ack
            unbounded.timeout = .seconds(365 * 86_400)
            _ = try await pollAcknowledgements(&tracker, unbounded)
        }
        let unconfirmed = tracker.removeAll().allIDs
        if !unconfirmed.isEmpty { try await store.release(sink: sink.name, ids: unconfirmed) }
        telemetry.recordPendingAcks(sink: sink.name, worker: index, batches: 0)
    }
}
