import Foundation
import Logging
import RelayCore
import RelayState

/// The state store on the outbox's hot path: append (ledger + outbox + checkpoint in one
/// transaction) and claim + acknowledge, SQLite against PostgreSQL on the same workload.
/// PostgreSQL comes from `CCRELAY_BENCH_POSTGRES_URL` (a fresh schema per run); without it only
/// SQLite is measured.
enum StoreBench {
    static let events = 20_000
    static let page = 100
    static let batch = 100
    static let payloadBytes = 600
    static let workers = 4

    static func run(logger: Logger) async throws {
        say(
            "## State store: outbox append + claim + acknowledge (\(events) events of \(payloadBytes) B, pages and batches of \(page))\n"
        )
        say(
            "| store | one appender, then one claimer: append ev/s | claim+ack ev/s | \(workers) appenders and \(workers) claimers at once: ev/s end to end |"
        )
        say("|---|---|---|---|")
        let directory = try temporaryDirectory("store")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await measureStore("SQLite (WAL, synchronous=FULL)") { index in
            try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: "\(directory)/\(index).sqlite"))
        }
        guard let url = ProcessInfo.processInfo.environment["CCRELAY_BENCH_POSTGRES_URL"] else {
            say("\n(PostgreSQL skipped: set CCRELAY_BENCH_POSTGRES_URL)")
            return
        }
        try await measureStore("PostgreSQL (pool of \(workers * 2), loopback)") { _ in
            let schema = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
            let configuration = try PostgresStateConfiguration(url: url, poolSize: workers * 2, schema: String(schema))
            return PostgresStateStore(configuration: configuration, logger: logger)
        }
    }

    /// Measures the stores `open` gives, each running (``StateStore/whileRunning(_:)``) while measured.
    static func measureStore(_ label: String, open: (Int) async throws -> any StateStore) async throws {
        let sequentialStore = try await open(0)
        defer { try? sequentialStore.close() }
        let concurrentStore = try await open(1)
        defer { try? concurrentStore.close() }
        try await sequentialStore.whileRunning {
            try await concurrentStore.whileRunning {
                try await measureRunning(label, sequentialStore, concurrentStore)
            }
        }
    }

    private static func measureRunning(
        _ label: String, _ sequentialStore: any StateStore, _ concurrentStore: any StateStore
    )
        async throws
    {
        let clock = SystemClock()
        let appendSeconds = try await measure {
            for start in stride(from: 0, to: events, by: page) {
                _ = try await sequentialStore.append(
                    pendingRecords(prefix: "s", from: start), deadLetters: [],
                    checkpoint: CheckpointUpdate(source: "bench", partition: "p", value: "\(start)"), now: clock.now)
            }
        }
        var drained = 0
        let drainSeconds = try await measure {
            drained = try await drain(sequentialStore, clock: clock, until: events)
        }
        precondition(drained == events, "sequential drain lost events")

        let perWorker = events / workers
        let concurrentSeconds = try await measure {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        for start in stride(from: 0, to: perWorker, by: page) {
                            _ = try await concurrentStore.append(
                                pendingRecords(prefix: "c\(worker)", from: start), deadLetters: [],
                                checkpoint: CheckpointUpdate(
                                    source: "bench", partition: "p\(worker)", value: "\(start)"),
                                now: clock.now)
                        }
                        return 0
                    }
                }
                let shared = Counter()
                for _ in 0..<workers {
                    group.addTask {
                        try await drain(concurrentStore, clock: clock, counter: shared, until: perWorker * workers)
                    }
                }
                let total = try await group.reduce(0, +)
                precondition(total == perWorker * workers, "concurrent drain lost events")
            }
        }
        say(
            "| \(label) | \(formatted(Double(events) / appendSeconds)) | \(formatted(Double(events) / drainSeconds)) | "
                + "\(formatted(Double(perWorker * workers) / concurrentSeconds)) |")
    }

    static func pendingRecords(prefix: String, from start: Int) -> [PendingRecord] {
        (start..<min(start + page, events)).map { index in
            PendingRecord(
                eventID: "\(prefix)-\(index)",
                timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000 + Int64(index)),
                platform: .genesys, payload: [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: payloadBytes),
                sinks: ["splunk"])
        }
    }

    /// Claims and acknowledges batches until `until` events were taken (by this claimer, or by
    /// all sharing `counter`); returns how many this claimer took.
    static func drain(_ store: any StateStore, clock: SystemClock, counter: Counter = Counter(), until: Int)
        async throws -> Int
    {
        var mine = 0
        while counter.value < until {
            let now = clock.now
            let claimed = try await store.claim(
                sink: "splunk", maxEvents: batch, maxBytes: .max, now: now, leaseUntil: now.advanced(by: .seconds(600)))
            if claimed.isEmpty {
                try await Task.sleep(for: .milliseconds(1))
                continue
            }
            try await store.acknowledge(sink: "splunk", ids: claimed.map(\.id))
            mine += claimed.count
            counter.add(claimed.count)
        }
        return mine
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var total = 0
        var value: Int { lock.withLock { total } }
        func add(_ count: Int) { lock.withLock { total += count } }
    }
}
