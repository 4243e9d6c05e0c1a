import Logging

extension SinkWorker {
    /// Asks the destination about every pending batch: confirmed batches leave the outbox; batches
    /// waiting longer than the timeout are resent (counted as possible duplicates).
    func pollAcknowledgements(
        _ tracker: inout AckTracker, _ ack: AcknowledgementConfiguration, deadline: WallInstant?
    ) async throws -> Tally {
        var tally = Tally()
        switch await sink.confirm(tracker.tokens) {
        case .confirmed(let tokens):
            for entries in tracker.confirm(tokens) {
                try await acknowledge(entries)
                tally.delivered += entries.count
            }
        case .acknowledgementDisabled:
            if !tracker.acknowledgementDisabledNoticed {
                tracker.acknowledgementDisabledNoticed = true
                logger.notice("Destination does not acknowledge for this token; an accepted batch counts as delivered")
            }
            for entries in tracker.removeAll() {
                try await acknowledge(entries)
                tally.delivered += entries.count
            }
        case .failed(let reason):
            logger.warning(
                "Acknowledgement poll failed; batches stay pending", metadata: ["ccrelay.error": "\(reason)"])
        }
        for entries in tracker.expire(now: clock.now, timeout: ack.timeout) {
            telemetry.recordResend(sink: sink.name, events: entries.count)
            logger.warning(
                "Acknowledgement timed out; resending the batch (the destination may see it twice, with the same event_id)",
                metadata: ["ccrelay.events": "\(entries.count)"])
            tally += try await deliver(entries, deadline: deadline, tracker: &tracker)
        }
        telemetry.recordPendingAcks(sink: sink.name, worker: index, batches: tracker.count)
        return tally
    }

    /// At shutdown or the end of a drain: one last poll for what is pending, then the rows still
    /// unconfirmed go back to the outbox to be sent again later.
    func finishAcknowledgements(_ tracker: inout AckTracker) async throws {
        guard !tracker.isEmpty else { return }
        if let ack = sink.acknowledgement {
            var unbounded = ack
            unbounded.timeout = .seconds(365 * 86_400)
            _ = try await pollAcknowledgements(&tracker, unbounded, deadline: clock.now)
        }
        for entries in tracker.removeAll() {
            try await store.release(sink: sink.name, ids: entries.map(\.id))
        }
        telemetry.recordPendingAcks(sink: sink.name, worker: index, batches: 0)
    }
}
