/// Decides what each answer of a destination means for one batch: acknowledge it, wait for its
/// acknowledgement, dead-letter it, bisect it, drop a poisoned event, settle per-event fates, retry
/// after a backoff (holding the sink's other workers while the destination is down) or give it back
/// to the outbox. It performs nothing: the ``SinkWorker`` performs the actions it returns (store
/// writes, telemetry, the gate, sleeping), as PostgresNIO's `PoolStateMachine` does for its pool.
///
/// Three failure counters drive the backoff: attempts that may be the batch's own (they lead to
/// dead letters after ``RetryPolicy/maxAttempts``), refusals of the credential and outages (neither
/// uses up an attempt). `Generator` draws the jitter, so tests can fix it.
struct DeliveryStateMachine<Generator: RandomNumberGenerator> {
    /// Entries the worker sends next (fewer than the batch after a poisoned event or a partial delivery).
    private(set) var entries: [OutboxEntry]
    let policy: RetryPolicy
    /// Past it, a batch that must wait is given back to the outbox rather than held (drains).
    let deadline: WallInstant?
    private(set) var attemptFailures = 0
    private(set) var credentialFailures = 0
    private(set) var outageFailures = 0
    /// The fates of a partial delivery whose settlement the worker is writing.
    private var settling: PartialDelivery?
    private var generator: Generator

    init(entries: [OutboxEntry], policy: RetryPolicy, deadline: WallInstant?, generator: Generator) {
        self.entries = entries
        self.policy = policy
        self.deadline = deadline
        self.generator = generator
    }

    /// What the worker does with the sink's gate's answer before sending.
    enum Admission: Equatable {
        case send
        /// Hold the batch until this instant, then ask again.
        case wait(until: WallInstant)
        /// The gate stays closed past the deadline: the entries go back to the outbox.
        case giveBack([OutboxEntry])
    }

    /// What the worker does with a destination's answer: open the sink's gate first when the
    /// destination is taking data, then perform `step`.
    struct Action: Equatable {
        var opensGate: Bool
        var step: Step
    }

    /// One thing for the worker to do about the batch.
    enum Step: Equatable {
        /// Remove these delivered entries from the outbox; the batch is done.
        case acknowledge([OutboxEntry])
        /// Track these entries until the destination confirms `token`; the batch is done.
        case awaitAcknowledgement(AckToken, [OutboxEntry])
        /// Move entries to dead letters; the batch is done.
        case deadLetter(DeadLetters)
        /// Remove the entries the destination took before the poisoned one from the outbox, move
        /// the poisoned entry to dead letters and send the entries after it again at once (none
        /// left: the batch is done).
        case dropPoisoned(delivered: [OutboxEntry], awaiting: AckToken?, DeadLetters)
        /// Deliver each half as a batch of its own, the first one first; this batch is done.
        case bisect([OutboxEntry], [OutboxEntry])
        /// Write the per-event fates, then ask ``settled(now:)`` what comes next.
        case settle(Settlement)
        /// The attempts are used up: record the failed attempt, then move the entries to dead letters.
        case giveUp(failedAttempt: String, DeadLetters)
        /// Record the failure and wait before sending again (or give the entries back).
        case retry(Retry)
        /// Every entry has its fate.
        case finished
    }

    /// Entries to move to dead letters, with the reason and the attempts they took.
    struct DeadLetters: Equatable {
        var entries: [OutboxEntry]
        var reason: String
        var attempts: Int
    }

    /// The writes of a partial delivery, in the order the worker performs them.
    struct Settlement: Equatable {
        /// Entries the destination accepted, to remove from the outbox.
        var delivered: [OutboxEntry]
        /// Refused entries, one group per reason (sorted by reason).
        var deadLetters: [DeadLetters]
        /// Rows to move to fallback sinks, one group per sink (sorted by sink name).
        var moves: [Move]
        /// Event counts as the sink reported them.
        var deliveredEvents: Int
        var deadLetteredEvents: Int
    }

    /// Rows (by id, ascending) a fallback sink sends instead.
    struct Move: Equatable {
        var target: String
        var ids: [Int64]
    }

    /// A failed send to retry later.
    struct Retry: Equatable {
        /// The reason the destination refused the credential, for the sink's health.
        var credentialRejected: String?
        /// The error recorded as a failed attempt.
        var failedAttempt: String
        /// The backoff drawn.
        var delay: Duration
        /// When the batch is sent again.
        var wakeAt: WallInstant
        /// The destination is down or refuses the credential: the gate closes until `wakeAt`, and
        /// the sink's other workers hold their batches.
        var closesGate: Bool
        var log: RetryLog?
        /// `wakeAt` falls after the deadline: the entries go back to the outbox instead of waiting.
        var givesBack: Bool
    }

    /// The warning a retry logs.
    enum RetryLog: Equatable {
        /// The destination is unavailable (logged on the first outage failure and every tenth).
        case outage(reason: String, failures: Int, delay: Duration)
        /// A failed attempt that may be the batch's own.
        case attempt(reason: String, attempt: Int, delay: Duration)
    }

    /// The sink's gate answered `admission` before a send.
    func admit(_ admission: SinkGate.Admission) -> Admission {
        guard case .waitUntil(let instant) = admission else { return .send }
        if let deadline, instant > deadline { return .giveBack(entries) }
        return .wait(until: instant)
    }

    /// The destination answered `outcome` to a send of ``entries``, at `now`.
    mutating func received(_ outcome: DeliveryOutcome, now: WallInstant) -> Action {
        Action(opensGate: outcome.destinationIsTakingData, step: step(for: outcome, now: now))
    }

    private mutating func step(for outcome: DeliveryOutcome, now: WallInstant) -> Step {
        switch outcome {
        case .delivered:
            return .acknowledge(entries)
        case .awaitingAcknowledgement(let token):
            return .awaitAcknowledgement(token, entries)
        case .rejected(let reason):
            return .deadLetter(DeadLetters(entries: entries, reason: reason, attempts: attemptFailures + 1))
        case .poisoned(let index, let reason, let acknowledgement):
            if entries.count == 1 {
                return .deadLetter(DeadLetters(entries: entries, reason: reason, attempts: attemptFailures + 1))
            }
            if let index, entries.indices.contains(index) {
                // The destination took the entries before the one it names (Splunk HEC indexes them):
                // sending them again would duplicate them.
                let delivered = Array(entries[..<index])
                let poisoned = entries[index]
                entries.removeFirst(index + 1)
                return .dropPoisoned(
                    delivered: delivered, awaiting: delivered.isEmpty ? nil : acknowledgement,
                    DeadLetters(entries: [poisoned], reason: reason, attempts: attemptFailures + 1))
            }
            let half = entries.count / 2
            return .bisect(Array(entries[..<half]), Array(entries[half...]))
        case .credentialRejected(let reason):
            credentialFailures += 1
            let delay = policy.delay(afterFailures: credentialFailures, using: &generator)
            return .retry(
                retry(after: delay, now: now, failedAttempt: reason, credentialRejected: reason, closesGate: true))
        case .unavailable(let reason, let retryAfter):
            return .retry(outage(reason, retryAfter: retryAfter, now: now))
        case .retriable(let reason, let retryAfter):
            return attemptFailed(reason, retryAfter: retryAfter, now: now, logged: true)
        case .partial(let fates):
            return .settle(settle(fates))
        }
    }

    /// The worker wrote the settlement of a partial delivery; `now` is after the writes. Answers
    /// ``Step/finished``, ``Step/retry(_:)`` or ``Step/giveUp(failedAttempt:_:)``.
    mutating func settled(now: WallInstant) -> Step {
        guard let fates = settling else { preconditionFailure("settled(now:) without a partial delivery to settle") }
        settling = nil
        if entries.isEmpty { return .finished }
        if fates.retryIsOutage { return .retry(outage(fates.retryReason, retryAfter: fates.retryAfter, now: now)) }
        return attemptFailed(fates.retryReason, retryAfter: fates.retryAfter, now: now, logged: false)
    }

    private mutating func settle(_ fates: PartialDelivery) -> Settlement {
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
        let attempts = attemptFailures + 1
        let rejected = Dictionary(grouping: fates.rejected.keys, by: { fates.rejected[$0] ?? "" })
            .sorted { $0.key < $1.key }
            .map { reason, ids in
                DeadLetters(entries: ids.sorted().compactMap { byID[$0] }, reason: reason, attempts: attempts)
            }
        let moves = Dictionary(grouping: fates.rerouted.keys, by: { fates.rerouted[$0] ?? "" })
            .sorted { $0.key < $1.key }
            .map { target, ids in Move(target: target, ids: ids.sorted()) }
        let retry = Set(fates.retriable)
        let settlement = Settlement(
            delivered: fates.delivered.compactMap { byID[$0] }, deadLetters: rejected, moves: moves,
            deliveredEvents: fates.delivered.count, deadLetteredEvents: fates.rejected.count)
        entries = entries.filter { retry.contains($0.id) }
        settling = fates
        return settlement
    }

    /// The destination is down or throttling, not refusing these events: no attempt is used up,
    /// and the sink's other workers hold their batches until this one's retry.
    private mutating func outage(_ reason: String, retryAfter: Duration?, now: WallInstant) -> Retry {
        outageFailures += 1
        let delay = policy.delay(afterFailures: outageFailures, atLeast: retryAfter, using: &generator)
        var retry = retry(after: delay, now: now, failedAttempt: reason, credentialRejected: nil, closesGate: true)
        if outageFailures == 1 || outageFailures.isMultiple(of: 10) {
            retry.log = .outage(reason: reason, failures: outageFailures, delay: delay)
        }
        return retry
    }

    /// A failure that may be the batch's own uses up an attempt; the last one leads to dead letters.
    private mutating func attemptFailed(_ reason: String, retryAfter: Duration?, now: WallInstant, logged: Bool) -> Step
    {
        attemptFailures += 1
        if attemptFailures >= policy.maxAttempts {
            let reasonGiven = "gave up after \(attemptFailures) attempts; last error: \(reason)"
            return .giveUp(
                failedAttempt: reason, DeadLetters(entries: entries, reason: reasonGiven, attempts: attemptFailures))
        }
        let delay = policy.delay(afterFailures: attemptFailures, atLeast: retryAfter, using: &generator)
        var retry = retry(after: delay, now: now, failedAttempt: reason, credentialRejected: nil, closesGate: false)
        if logged { retry.log = .attempt(reason: reason, attempt: attemptFailures, delay: delay) }
        return .retry(retry)
    }

    private func retry(
        after delay: Duration, now: WallInstant, failedAttempt: String, credentialRejected: String?, closesGate: Bool
    ) -> Retry {
        let wakeAt = now.advanced(by: delay)
        return Retry(
            credentialRejected: credentialRejected, failedAttempt: failedAttempt, delay: delay, wakeAt: wakeAt,
            closesGate: closesGate, log: nil, givesBack: deadline.map { wakeAt > $0 } ?? false)
    }
}
