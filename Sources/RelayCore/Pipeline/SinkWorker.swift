import Logging
import ServiceLifecycle

/// Delivers one sink's outbox: claims batches (filled up to the sink's limits or its batch
/// timeout), sends them with the retry policy, removes rows only after the destination
/// acknowledged them, and moves batches that cannot be delivered to dead letters with the reason.
public struct SinkWorker: Service {
    /// How the worker waits and leases. Defaults suit production; tests shorten them.
    public struct Configuration: Sendable {
        /// How long claimed rows stay reserved for this worker. Default 10 min (longer than a full retry cycle).
        public var lease: Duration = .seconds(600)
        /// Longest idle wait before looking at the outbox again without a notification (rows written
        /// by another process). Default 1 s.
        public var idlePoll: Duration = .seconds(1)
        public init() {}
    }

    private let sink: any Sink
    private let store: any StateStore
    private let clock: any WallClock
    private let signal: OutboxSignal
    private let telemetry: PipelineTelemetry
    private let health: SinkHealth
    private let configuration: Configuration
    private let logger: Logger

    public init(
        sink: any Sink,
        store: any StateStore,
        clock: any WallClock,
        signal: OutboxSignal,
        telemetry: PipelineTelemetry,
        health: SinkHealth,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.sink = sink
        self.store = store
        self.clock = clock
        self.signal = signal
        self.telemetry = telemetry
        self.health = health
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(sink.name)"
        self.logger = logger
    }

    /// Delivers until graceful shutdown; an in-flight batch is finished (or given back) first.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let generation = signal.generation(of: sink.name)
                let entries = try await claimBatch(waitForFill: true)
                if entries.isEmpty {
                    await waitForWork(since: generation, until: clock.now.advanced(by: configuration.idlePoll))
                    continue
                }
                _ = try await deliver(entries)
            } catch {
                logger.error("Outbox access failed", metadata: ["ccrelay.error": "\(error)"])
                await waitForWork(until: clock.now.advanced(by: configuration.idlePoll))
            }
        }
    }

    /// What a drain achieved.
    public struct DrainResult: Sendable, Equatable {
        public var delivered = 0
        public var deadLettered = 0
        /// Rows still in the outbox when the drain stopped.
        public var remaining = 0
    }

    /// Sends partial batches at once until the outbox is empty or `deadline` passes (for `once`
    /// and the end of the demo). Rows of batches that could not be sent in time stay in the outbox.
    public func drain(until deadline: WallInstant) async throws -> DrainResult {
        var result = DrainResult()
        while clock.now < deadline, !Task.isCancelled {
            let entries = try await claimBatch(waitForFill: false)
            if entries.isEmpty { break }
            switch try await deliver(entries, deadline: deadline) {
            case .delivered: result.delivered += entries.count
            case .deadLettered: result.deadLettered += entries.count
            case .givenBack: break
            }
        }
        result.remaining = try await store.outboxDepth(sink: sink.name)
        return result
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
            let more = try await claim(maxEvents: limits.maxEvents - entries.count, maxBytes: limits.maxBytes - bytes)
            entries += more
            bytes += more.reduce(0) { $0 + $1.payload.count }
        }
        return entries
    }

    private func claim(maxEvents: Int, maxBytes: Int) async throws -> [OutboxEntry] {
        let now = clock.now
        return try await store.claim(
            sink: sink.name,
            maxEvents: maxEvents,
            maxBytes: max(maxBytes, 1),
            now: now,
            leaseUntil: now.advanced(by: configuration.lease)
        )
    }

    private func waitForWork(since generation: UInt64? = nil, until deadline: WallInstant) async {
        await cancelWhenGracefulShutdownIgnoringErrors {
            await signal.wait(for: sink.name, since: generation, until: deadline, clock: clock)
        }
    }

    private enum BatchFate { case delivered, deadLettered, givenBack }

    /// Sends one batch with retries. Returns how it ended: rows leave the outbox only when
    /// delivered, dead-lettered or moved to a fallback sink; rows given back stay for later.
    private func deliver(_ batch: [OutboxEntry], deadline: WallInstant? = nil) async throws -> BatchFate {
        var entries = batch
        var failures = 0
        var credentialFailures = 0
        var generator = SystemRandomNumberGenerator()
        while true {
            let delay: Duration
            switch await sink.deliver(entries) {
            case .delivered:
                try await acknowledge(entries)
                return .delivered
            case .rejected(let reason):
                try await moveToDeadLetters(entries, reason: reason, attempts: failures + 1)
                return .deadLettered
            case .credentialRejected(let reason):
                // Not the batch's fault: no attempt is used up; back off up to the cap and try again.
                credentialFailures += 1
                if health.markRejected(sink.name, reason: reason) {
                    logger.error("Destination rejected the sink's credential; intake feeding only this sink halts", metadata: ["ccrelay.error": "\(reason)"])
                }
                telemetry.recordFailedAttempt(sink: sink.name, error: reason)
                delay = sink.retry.delay(afterFailures: credentialFailures, using: &generator)
            case .retriable(let reason, let retryAfter):
                failures += 1
                telemetry.recordFailedAttempt(sink: sink.name, error: reason)
                if failures >= sink.retry.maxAttempts {
                    try await moveToDeadLetters(entries, reason: "gave up after \(failures) attempts; last error: \(reason)", attempts: failures)
                    return .deadLettered
                }
                delay = sink.retry.delay(afterFailures: failures, atLeast: retryAfter, using: &generator)
                logger.warning(
                    "Batch delivery failed; retrying",
                    metadata: ["ccrelay.error": "\(reason)", "ccrelay.attempt": "\(failures)", "ccrelay.retry_in_secs": "\(delay.seconds)"]
                )
            case .partial(let fates):
                entries = try await settle(entries, fates, attempts: failures + 1)
                if entries.isEmpty { return .delivered }
                failures += 1
                telemetry.recordFailedAttempt(sink: sink.name, error: fates.retryReason)
                if failures >= sink.retry.maxAttempts {
                    try await moveToDeadLetters(entries, reason: "gave up after \(failures) attempts; last error: \(fates.retryReason)", attempts: failures)
                    return .deadLettered
                }
                delay = sink.retry.delay(afterFailures: failures, atLeast: fates.retryAfter, using: &generator)
            }
            let wakeAt = clock.now.advanced(by: delay)
            if let deadline, wakeAt > deadline {
                try await store.release(sink: sink.name, ids: entries.map(\.id))
                return .givenBack
            }
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: wakeAt, tolerance: nil) }
            } catch {
                try await store.release(sink: sink.name, ids: entries.map(\.id))
                return .givenBack
            }
        }
    }

    private func acknowledge(_ entries: [OutboxEntry]) async throws {
        try await store.acknowledge(sink: sink.name, ids: entries.map(\.id))
        telemetry.recordDelivery(sink: sink.name, delivered: entries.count)
        if health.markAccepted(sink.name) {
            logger.notice("Destination accepts the sink's credential again; halted intake resumes")
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
            try await store.move(sink: sink.name, ids: ids.sorted(), toSink: target)
            signal.notify(sinks: [target])
            logger.notice("Events moved to a fallback sink", metadata: ["ccrelay.events": "\(ids.count)", "ccrelay.fallback": "\(target)"])
        }
        let retry = Set(fates.retriable)
        return entries.filter { retry.contains($0.id) }
    }

    private func moveToDeadLetters(_ entries: [OutboxEntry], reason: String, attempts: Int) async throws {
        guard !entries.isEmpty else { return }
        try await store.deadLetter(sink: sink.name, entries: entries, reason: reason, attempts: attempts, now: clock.now)
        telemetry.recordDeadLetters(sink: sink.name, count: entries.count, error: reason)
        logger.error(
            "Batch moved to dead letters",
            metadata: ["ccrelay.events": "\(entries.count)", "ccrelay.reason": "\(reason)", "ccrelay.attempts": "\(attempts)"]
        )
    }
}

/// Runs `operation`, cancelling it when graceful shutdown begins; never throws.
func cancelWhenGracefulShutdownIgnoringErrors(_ operation: @escaping @Sendable () async -> Void) async {
    _ = try? await cancelWhenGracefulShutdown {
        await operation()
    }
}
