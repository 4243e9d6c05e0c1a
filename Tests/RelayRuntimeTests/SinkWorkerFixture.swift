import Foundation
import Logging
import RelayCore
import RelayState
import RelayTesting

/// What the sink-worker tests share: a SQLite store in a scratch directory, outbox rows appended at
/// the clock's time, and workers that log nothing below critical.
struct SinkWorkerFixture {
    let store: SQLiteStateStore
    let directory: ScratchDirectory

    init(_ label: String) throws {
        directory = try ScratchDirectory(label)
        store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory.file("s.sqlite")))
    }

    /// Appends `count` rows for `sink` (event ids from `first` on) and returns their event ids.
    @discardableResult
    func append(_ count: Int, from first: Int = 0, for sink: String, at clock: ManualClock) async throws -> [String] {
        let ids = (first..<first + count).map { EventID.make(platform: .genesys, nativeID: "n\($0)") }
        let records = ids.map {
            PendingRecord(
                eventID: $0, timestamp: clock.now.timestamp, platform: .genesys, payload: Array("{}".utf8),
                sinks: [sink])
        }
        _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
        return ids
    }

    static func worker(
        _ sink: any Sink, _ store: any StateStore, _ clock: ManualClock, signal: OutboxSignal = OutboxSignal(),
        index: Int = 0,
        gate: SinkGate? = nil
    ) -> SinkWorker {
        let logger = Logger.quiet("ccrelay.tests")
        return SinkWorker(
            sink: sink, store: store, clock: clock, signal: signal, telemetry: PipelineTelemetry(),
            health: SinkHealth(),
            index: index, gate: gate, logger: logger)
    }

    /// Drains `worker` for up to `limit`, advancing `clock` by `step` whenever something sleeps on it.
    static func drain(
        _ worker: SinkWorker, clock: ManualClock, for limit: Duration, step: Duration
    ) async -> Result<SinkWorker.DrainResult, any Error> {
        let deadline = clock.now.advanced(by: limit)
        do {
            return .success(try await clock.driving(step: step) { try await worker.drain(until: deadline) })
        } catch {
            return .failure(error)
        }
    }

    func remove() {
        try? store.close()
        directory.remove()
    }
}
