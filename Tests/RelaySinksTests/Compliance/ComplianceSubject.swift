import Foundation
import Logging
import RelayCore
import RelayState
import Synchronization
import Testing

/// A destination as the compliance suite sees it: a running emulator (or a directory), a way to
/// build the sink against it, what has arrived there, and how to make it fail.
struct ComplianceDestination: Sendable {
    /// Builds the sink (`store` for sinks that keep state, e.g. the HEC channel).
    let makeSink: @Sendable (_ store: any StateStore) -> any Sink
    /// `event_id`s the destination holds, in arrival order.
    let arrived: @Sendable () throws -> [String]
    /// Makes the next delivery fail in a way worth retrying. Called before the sink's first delivery.
    let failRetriably: @Sendable () throws -> Void
    /// Clears a failure that does not clear by itself (called while the worker backs off).
    let recover: @Sendable () throws -> Void
    /// A sink whose next delivery is refused for good, and words the refusal must carry; `nil` when
    /// the destination has no permanent failure (see ``ComplianceSubject/hasPermanentFailure``).
    let permanentFailure: (@Sendable (_ store: any StateStore) -> (sink: any Sink, words: String))?
}

/// One sink type under the compliance suite. Adding a sink is one ``ComplianceSubject`` in
/// ``ComplianceSubjects/all``.
struct ComplianceSubject: Sendable, CustomTestStringConvertible {
    let name: String
    /// Whether the destination can refuse a batch for good (a file cannot: every I/O error is retriable).
    let hasPermanentFailure: Bool
    /// Runs `body` with the destination up, on `clock`.
    let run: @Sendable (_ clock: ManualClock, _ body: @Sendable (ComplianceDestination) async throws -> Void) async throws -> Void

    var testDescription: String { name }
}

/// Shared machinery of the compliance tests: a state store on disk, records, a worker, a clock driver.
enum Compliance {
    static let sinkName = "compliance"

    static let logger: Logger = {
        var logger = Logger(label: "ccrelay.sinks.compliance")
        logger.logLevel = .critical
        return logger
    }()

    /// A temporary directory, removed after `body`.
    static func withDirectory<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ccrelay-compliance-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    static func openStore(_ directory: String) throws -> SQLiteStateStore {
        try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory + "/state.sqlite"))
    }

    /// `count` normalized events stamped at the clock's now (inside every destination's window).
    static func records(_ count: Int, clock: any WallClock, sink: String = sinkName, offset: Duration = .zero, first: Int = 0)
        -> [PendingRecord]
    {
        let base = clock.now.advanced(by: offset).timestamp.millisecondsSinceEpoch
        return (first..<first + count).map { number in
            let event = Fixtures.event(number, ms: base)
            return PendingRecord(
                eventID: event.eventID, timestamp: event.timestamp, platform: event.platform, payload: event.encoded(),
                sinks: [sink])
        }
    }

    static func worker(_ sink: any Sink, store: any StateStore, clock: ManualClock) -> SinkWorker {
        SinkWorker(
            sink: sink, store: store, clock: clock, signal: OutboxSignal(), telemetry: PipelineTelemetry(),
            health: SinkHealth(), logger: logger)
    }

    /// Runs `operation` while a helper lets every sleep on `clock` (backoff, acknowledgement polls)
    /// pass: each time something sleeps it calls `beforeAdvance`, then moves time on by 61 s.
    static func driveClock<T: Sendable>(
        _ clock: ManualClock,
        beforeAdvance: @escaping @Sendable () -> Void = {},
        _ operation: @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    await clock.waitForSleepers(count: 1)
                    if Task.isCancelled { break }
                    beforeAdvance()
                    clock.advance(by: .seconds(61))
                    await Task.yield()
                }
                return nil
            }
            let result = try await operation()
            group.cancelAll()
            return result
        }
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
