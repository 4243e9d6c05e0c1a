import Logging
import RelayCore
import RelayState
import Synchronization

/// What the sink compliance checks, and the sink tests beside them, share: the sink's name, a store
/// on disk, rows stamped at the clock's time, a quiet worker.
public enum SinkComplianceKit {
    /// The name every sink under the suite is configured with (its outbox's name).
    public static let sinkName = "compliance"

    /// A quiet logger for the sinks and workers under the suite.
    public static let logger = Logger.quiet("ccrelay.sinks.compliance")

    /// A SQLite state store at `directory/state.sqlite`.
    public static func openStore(_ directory: String) throws -> SQLiteStateStore {
        try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory + "/state.sqlite"))
    }

    /// `count` sample events (from number `first` on) stamped at the clock's now, plus `offset`
    /// (inside every destination's window), as outbox records for `sink`.
    public static func records(
        _ count: Int, clock: any WallClock, sink: String = sinkName, offset: Duration = .zero, first: Int = 0
    ) -> [PendingRecord] {
        let base = clock.now.advanced(by: offset).timestamp.millisecondsSinceEpoch
        return (first..<first + count).map { number in
            let event = SampleEvents.event(number, ms: base)
            return PendingRecord(
                eventID: event.eventID, timestamp: event.timestamp, platform: event.platform, payload: event.encoded(),
                sinks: [sink])
        }
    }

    /// ``records(_:clock:sink:offset:first:)`` as outbox rows numbered from 1, for delivering directly.
    static func entries(_ count: Int, clock: any WallClock) -> [OutboxEntry] {
        records(count, clock: clock).enumerated().map { index, record in
            OutboxEntry(
                id: Int64(index + 1), eventID: record.eventID, timestamp: record.timestamp, platform: record.platform,
                payload: record.payload, enqueuedAt: clock.now.timestamp)
        }
    }

    /// A worker for `sink` over `store`, logging only critical messages.
    public static func worker(_ sink: any Sink, store: any StateStore, clock: ManualClock) -> SinkWorker {
        SinkWorker(
            sink: sink, store: store, clock: clock, signal: OutboxSignal(), telemetry: PipelineTelemetry(),
            health: SinkHealth(), logger: logger)
    }

    /// Delivers directly, resolving an acknowledgement when the destination hands one out.
    static func deliverAndConfirm(_ sink: any Sink, _ entries: [OutboxEntry]) async -> DeliveryOutcome {
        let outcome = await sink.deliver(entries)
        guard case .awaitingAcknowledgement(let token) = outcome else { return outcome }
        switch await sink.confirm([token]) {
        case .confirmed(let tokens) where tokens.contains(token): return .delivered
        case .acknowledgementDisabled: return .delivered
        default: return outcome
        }
    }
}

/// A sink that notes how many rows its outbox holds each time it is asked to deliver.
final class OutboxProbe: Sink, Sendable {
    let inner: any Sink
    let store: any StateStore
    /// The outbox depth at each delivery, in order (-1 where the store could not say).
    let depths = Mutex<[Int]>([])

    init(_ inner: any Sink, store: any StateStore) {
        self.inner = inner
        self.store = store
    }

    var name: String { inner.name }
    var batch: BatchConfiguration { inner.batch }
    var retry: RetryPolicy { inner.retry }
    var acknowledgement: AcknowledgementConfiguration? { inner.acknowledgement }

    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        let depth = (try? await store.outboxDepth(sink: name)) ?? -1
        depths.withLock { $0.append(depth) }
        return await inner.deliver(entries)
    }

    func confirm(_ tokens: [AckToken]) async -> AckConfirmation {
        await inner.confirm(tokens)
    }
}
