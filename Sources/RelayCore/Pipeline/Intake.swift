import Logging

/// The ``SourceSender`` of one source: routes and encodes events, and commits them with the
/// checkpoint through the state store in one transaction, then wakes the sinks' workers.
public struct Intake: SourceSender {
    public let source: String
    private let store: any CheckpointStore
    private let router: EventRouter
    private let clock: any WallClock
    private let signal: OutboxSignal
    private let telemetry: PipelineTelemetry
    private let redactor: Redactor?
    /// The partition lease every commit must still hold (a shared store), or `nil`.
    public let lease: LeaseGuard?

    /// - Parameters:
    ///   - redactor: applied to every event after routing and before it is encoded, so no
    ///     sink ever receives a redacted field in clear, and to every malformed record that parses
    ///     as JSON before it is dead-lettered.
    ///   - lease: checked by the store inside every commit; a commit after the lease was lost
    ///     fails with ``RelayError/Code/leaseLost`` and moves nothing. Default `nil`.
    public init(
        source: String,
        store: any CheckpointStore,
        router: EventRouter,
        clock: any WallClock,
        signal: OutboxSignal,
        telemetry: PipelineTelemetry,
        redactor: Redactor? = nil,
        lease: LeaseGuard? = nil
    ) {
        self.lease = lease
        self.redactor = redactor.flatMap { $0.isEmpty ? nil : $0 }
        self.source = source
        self.store = store
        self.router = router
        self.clock = clock
        self.signal = signal
        self.telemetry = telemetry
    }

    public func checkpoint(partition: String) async throws -> String? {
        try await store.checkpoint(source: source, partition: partition)
    }

    @discardableResult
    public func commit(
        partition: String,
        events: [Event],
        malformed: [MalformedRecord],
        checkpoint: String?
    ) async throws -> AppendResult {
        var records: [PendingRecord] = []
        records.reserveCapacity(events.count)
        var touched: Set<String> = []
        var unrouted = 0
        for var event in events {
            let sinks = router.sinks(forSource: source, event: event)
            if sinks.isEmpty {
                unrouted += 1
                continue
            }
            redactor?.apply(to: &event)
            touched.formUnion(sinks)
            records.append(
                PendingRecord(
                    eventID: event.eventID,
                    timestamp: event.timestamp,
                    platform: event.platform,
                    payload: event.encoded(),
                    sinks: sinks
                )
            )
        }
        let deadLetters = malformed.map {
            DeadLetterDraft(
                origin: source, sink: nil, eventID: nil, payload: payload(of: $0), reason: $0.reason, attempts: 0)
        }
        let update = checkpoint.map { CheckpointUpdate(source: source, partition: partition, value: $0) }
        let result = try await store.append(
            records, deadLetters: deadLetters, checkpoint: update, lease: lease, now: clock.now)
        telemetry.recordIntake(
            source: source, received: events.count + malformed.count, result: result, unrouted: unrouted)
        if let checkpoint { telemetry.recordCheckpoint(source: source, partition: partition, value: checkpoint) }
        if result.accepted > 0 { signal.notify(sinks: touched) }
        return result
    }

    /// A malformed record's stored bytes: redacted and re-encoded when it parses as JSON and a
    /// rule matched (at any depth, see ``Redactor/apply(toUnnormalized:)``), else its text as received,
    /// kept for an operator (shown only by `ccrelay dlq show` and the admin listener).
    private func payload(of record: MalformedRecord) -> [UInt8] {
        guard let redactor, let parsed = try? JSONParser.parse(record.raw) else { return Array(record.raw.utf8) }
        var value = parsed
        redactor.apply(toUnnormalized: &value)
        return value == parsed ? Array(record.raw.utf8) : JSONWriter.encode(value)
    }
}
