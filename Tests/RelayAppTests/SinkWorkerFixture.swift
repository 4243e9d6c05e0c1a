import Foundation
import Logging
import RelayCore
import RelayState

/// What the sink-worker tests share: a SQLite store in a scratch directory, outbox rows appended at
/// the clock's time, and workers that log nothing below critical.
struct SinkWorkerFixture {
    let store: SQLiteStateStore
    let directory: URL

    init(_ label: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ccrelay-\(label)-\(UUID().uuidString)")
        store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory.appendingPathComponent("s.sqlite").path))
    }

    /// Appends `count` rows for `sink` (event ids from `first` on) and returns their event ids.
    @discardableResult
    func append(_ count: Int, from first: Int = 0, for sink: String, at clock: ManualClock) async throws -> [String] {
        let ids = (first..<first + count).map { EventID.make(platform: .genesys, nativeID: "n\($0)") }
        let records = ids.map {
            PendingRecord(eventID: $0, timestamp: clock.now.timestamp, platform: .genesys, payload: Array("{}".utf8), sinks: [sink])
        }
        _ = try await store.append(records, deadLetters: [], checkpoint: nil, now: clock.now)
        return ids
    }

    static func worker(
        _ sink: any Sink, _ store: any StateStore, _ clock: ManualClock, signal: OutboxSignal = OutboxSignal(), index: Int = 0,
        gate: SinkGate? = nil
    ) -> SinkWorker {
        var logger = Logger(label: "ccrelay.tests")
        logger.logLevel = .critical
        return SinkWorker(
            sink: sink, store: store, clock: clock, signal: signal, telemetry: PipelineTelemetry(), health: SinkHealth(),
            index: index, gate: gate, logger: logger)
    }

    /// Drains `worker` for up to `limit`, advancing `clock` by `step` whenever something sleeps on it.
    static func drain(
        _ worker: SinkWorker, clock: ManualClock, for limit: Duration, step: Duration
    ) async -> Result<SinkWorker.DrainResult, any Error> {
        let deadline = clock.now.advanced(by: limit)
        return await withTaskGroup(of: Result<SinkWorker.DrainResult, any Error>?.self) { group -> Result<SinkWorker.DrainResult, any Error> in
            group.addTask {
                while !Task.isCancelled {
                    await clock.waitForSleepers(count: 1)
                    clock.advance(by: step)
                    await Task.yield()
                }
                return nil
            }
            let outcome: Result<SinkWorker.DrainResult, any Error>
            do {
                outcome = .success(try await worker.drain(until: deadline))
            } catch {
                outcome = .failure(error)
            }
            group.cancelAll()
            return outcome
        }
    }

    func remove() {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
