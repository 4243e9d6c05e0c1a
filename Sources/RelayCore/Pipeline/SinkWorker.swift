import Logging
import ServiceLifecycle

/// Delivers one sink's outbox: claims batches (filled up to the sink's limits or its batch
/// timeout), sends them with the retry policy, removes rows only after the destination
/// acknowledged them (for sinks with indexer acknowledgement: once the acknowledgement is
/// confirmed), isolates poisoned events, and moves what cannot be delivered to dead letters with
/// the reason. A sink has ``BatchConfiguration/workers`` workers sharing a ``ConcurrencyLimiter``
/// (a permit around each request); the outbox's claim leases keep them (and other instances'
/// workers) from taking the same rows.
public struct SinkWorker: Service {
    /// How the worker waits and leases. Defaults suit production; tests shorten them.
    public struct Configuration: Sendable {
        /// How long claimed rows stay reserved for this worker. Default 10 min (longer than a full
        /// retry cycle); a sink with acknowledgement adds its acknowledgement timeout and poll interval.
        public var lease: Duration = .seconds(600)
        /// Longest idle wait before looking at the outbox again without a notification (rows written
        /// by another process). Default 1 s.
        public var idlePoll: Duration = .seconds(1)
        public init() {}
    }

    let sink: any Sink
    let store: any OutboxStore
    let clock: any WallClock
    let signal: OutboxSignal
    let telemetry: PipelineTelemetry
    let health: SinkHealth
    let configuration: Configuration
    /// This worker's number among its sink's workers (0 for the first).
    let index: Int
    /// Shared with the sink's other workers: one prober while the destination is down.
    let gate: SinkGate
    /// Shared with the sink's other workers: the requests in flight at once. Without one (a lone
    /// worker, as in `once` drains) the worker's single request in flight is the limit.
    let limiter: ConcurrencyLimiter?
    let logger: Logger

    public init(
        sink: any Sink,
        store: any OutboxStore,
        clock: any WallClock,
        signal: OutboxSignal,
        telemetry: PipelineTelemetry,
        health: SinkHealth,
        configuration: Configuration = Configuration(),
        index: Int = 0,
        gate: SinkGate? = nil,
        limiter: ConcurrencyLimiter? = nil,
        logger: Logger
    ) {
        self.sink = sink
        self.store = store
        self.clock = clock
        self.signal = signal
        self.telemetry = telemetry
        self.health = health
        self.configuration = configuration
        self.index = index
        self.gate = gate ?? SinkGate(recheck: sink.retry.initialBackoff)
        self.limiter = limiter
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(sink.name)"
        if index > 0 { logger[metadataKey: "ccrelay.worker"] = "\(index)" }
        self.logger = logger
    }

    /// Delivers until graceful shutdown. Batches awaiting acknowledgement get one last poll; rows
    /// still unconfirmed then are given back to the outbox (sent again after the restart).
    public func run() async throws {
        var tracker = AckTracker()
        var nextPoll: WallInstant?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                if let ack = sink.acknowledgement, !tracker.isEmpty {
                    let pollAt = nextPoll ?? clock.now.advanced(by: ack.pollInterval)
                    if clock.now >= pollAt {
                        _ = try await pollAcknowledgements(&tracker, ack)
                        nextPoll = tracker.isEmpty ? nil : clock.now.advanced(by: ack.pollInterval)
                        continue
                    }
                    nextPoll = pollAt
                    if ack.isFull(tracker) {
                        await waitForWork(until: pollAt)
                        continue
                    }
                }
                let generation = signal.generation(of: sink.name)
                let idleUntil = clock.now.advanced(by: configuration.idlePoll)
                let wakeAt = nextPoll.map { min($0, idleUntil) } ?? idleUntil
                if let limiter, !limiter.admitsClaim(worker: index) {
                    // Beyond the concurrency limit: until it rises, what arrives is the others'.
                    // This worker's own acknowledgement poll is not put off meanwhile.
                    await cancelWhenGracefulShutdownIgnoringErrors {
                        await limiter.waitForAdmission(worker: index, until: wakeAt, clock: clock)
                    }
                    continue
                }
                guard gate.startFilling(worker: index) else {
                    // Another worker is filling a batch: what arrives now is its. It notifies
                    // when done.
                    await waitForWork(since: generation, until: wakeAt)
                    continue
                }
                let entries: [OutboxEntry]
                let claimedAt = clock.now
                do {
                    defer { gate.finishFilling(worker: index) }
                    entries = try await claimBatch(waitForFill: true)
                }
                // More rows may be waiting for the next worker (never after an empty claim, so idle
                // workers do not wake each other in turn).
                if !entries.isEmpty, sink.batch.workers > 1 { signal.notify(sinks: [sink.name]) }
                if entries.isEmpty {
                    await waitForWork(since: generation, until: wakeAt)
                    continue
                }
                _ = try await deliver(entries, claimedAt: claimedAt, tracker: &tracker)
                if nextPoll == nil, let ack = sink.acknowledgement, !tracker.isEmpty {
                    nextPoll = clock.now.advanced(by: ack.pollInterval)
                }
            } catch {
                logger.error("Outbox access failed", metadata: ["ccrelay.error": "\(error)"])
                await waitForWork(until: clock.now.advanced(by: configuration.idlePoll))
            }
        }
        try await finishAcknowledgements(&tracker)
    }

    /// What a drain achieved (counts of events).
    public struct DrainResult: Sendable, Equatable {
        public var delivered = 0
        public var deadLettered = 0
        /// Rows still in the outbox when the drain stopped.
        public var remaining = 0
    }

    /// Sends partial batches at once until the outbox is empty and every acknowledgement is in, or
    /// `deadline` passes (for `once` and the end of the demo). What was not delivered in time stays
    /// in the outbox.
    public func drain(until deadline: WallInstant) async throws -> DrainResult {
        var tracker = AckTracker()
        var tally = Tally()
        while clock.now < deadline, !Task.isCancelled {
            if let ack = sink.acknowledgement, ack.isFull(tracker) {
                guard await sleep(until: min(clock.now.advanced(by: ack.pollInterval), deadline)) else { break }
                tally += try await pollAcknowledgements(&tracker, ack)
                continue
            }
            let claimedAt = clock.now
            let entries = try await claimBatch(waitForFill: false)
            if entries.isEmpty {
                // Batches awaiting acknowledgement: poll (a timed-out one comes back to be claimed).
                guard let ack = sink.acknowledgement, !tracker.isEmpty else { break }
                guard await sleep(until: min(clock.now.advanced(by: ack.pollInterval), deadline)) else { break }
                tally += try await pollAcknowledgements(&tracker, ack)
                continue
            }
            let delivery = try await deliver(entries, claimedAt: claimedAt, deadline: deadline, tracker: &tracker)
            tally += delivery
            // A batch given back cannot be retried before the deadline (the destination is down or
            // the sink's gate stays closed past it): claiming it again would only spin.
            if delivery.givenBack > 0 { break }
        }
        try await finishAcknowledgements(&tracker)
        return DrainResult(
            delivered: tally.delivered, deadLettered: tally.deadLettered,
            remaining: try await store.outboxDepth(sink: sink.name))
    }

    private func claimBatch(waitForFill: Bool) async throws -> [OutboxEntry] {
        let limits = sink.batch
        var generation = signal.generation(of: sink.name)
        var entries = try await claim(maxEvents: limits.maxEvents, maxBytes: limits.maxBytes)
        guard waitForFill, let oldest = entries.first else { return entries }
        let fillDeadline = WallInstant(oldest.enqueuedAt).advanced(by: limits.timeout)
        var bytes = entries.reduce(0) { $0 + $1.payload.count }
        while entries.count < limits.maxEvents, bytes < limits.maxBytes, clock.now < fillDeadline,
            !Task.isShuttingDownGracefully, !Task.isCancelled
        {
            await waitForWork(since: generation, until: fillDeadline)
            generation = signal.generation(of: sink.name)
            let more: [OutboxEntry]
            do {
                more = try await claim(maxEvents: limits.maxEvents - entries.count, maxBytes: limits.maxBytes - bytes)
            } catch {
                // The rows already claimed are leased to this worker: dropping them here would strand
                // them until the lease expires, so the smaller batch goes out as it is.
                logger.error(
                    "Outbox access failed while filling a batch; sending the rows already claimed",
                    metadata: ["ccrelay.error": "\(error)", "ccrelay.events": "\(entries.count)"])
                return entries
            }
            entries += more
            bytes += more.reduce(0) { $0 + $1.payload.count }
        }
        return entries
    }

    private func claim(maxEvents: Int, maxBytes: Int) async throws -> [OutboxEntry] {
        let now = clock.now
        let entries = try await store.claim(
            sink: sink.name,
            maxEvents: maxEvents,
            maxBytes: max(maxBytes, 1),
            now: now,
            leaseUntil: now.advanced(by: claimLease)
        )
        return entries
    }

    func waitForWork(since generation: UInt64? = nil, until deadline: WallInstant) async {
        await cancelWhenGracefulShutdownIgnoringErrors {
            await signal.wait(for: sink.name, since: generation, until: deadline, clock: clock)
        }
    }

    /// Sleeps until `instant` unless shutdown begins; false when interrupted.
    func sleep(until instant: WallInstant) async -> Bool {
        do {
            try await cancelWhenGracefulShutdown { try await clock.sleep(until: instant, tolerance: nil) }
            return true
        } catch {
            return false
        }
    }
}

/// Event counts of what deliveries did.
struct Tally: Sendable {
    var delivered = 0
    var deadLettered = 0
    var pending = 0
    var givenBack = 0

    static func += (lhs: inout Tally, rhs: Tally) {
        lhs.delivered += rhs.delivered
        lhs.deadLettered += rhs.deadLettered
        lhs.pending += rhs.pending
        lhs.givenBack += rhs.givenBack
    }
}

/// Runs `operation`, cancelling it when graceful shutdown begins; never throws.
func cancelWhenGracefulShutdownIgnoringErrors(_ operation: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        await operation()
    }
}
