import Foundation
import RelayCore
import RelayState

/// 2026-01-01T00:00:00Z, the instant every test starts from.
let t0 = WallInstant(sinceEpoch: .seconds(1_767_225_600))

/// Runs `body` with a database path inside a fresh temporary directory (in a subdirectory that
/// does not exist yet, so the store must create it) and removes the directory afterwards.
func withTemporaryDatabasePath<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("ccrelay-state-tests-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory.appendingPathComponent("state/relay.sqlite").path)
}

/// Runs `body` with a store opened on a fresh temporary database.
func withStore<T>(_ body: (SQLiteStateStore, String) async throws -> T) async throws -> T {
    try await withTemporaryDatabasePath { (path) async throws in
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: path))
        defer { try? store.close() }
        return try await body(store, path)
    }
}

/// A payload of `size` bytes that differs per event and covers every byte value (including NUL),
/// so a round trip that altered or truncated binary data would show.
func payload(for eventID: String, size: Int = 300) -> [UInt8] {
    let seed = eventID.utf8.reduce(UInt8(0)) { $0 &+ $1 }
    return (0..<size).map { UInt8(truncatingIfNeeded: $0) &+ seed }
}

func record(_ eventID: String, sinks: [String] = ["splunk"], size: Int = 300) -> PendingRecord {
    PendingRecord(
        eventID: eventID,
        timestamp: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
        platform: .genesys,
        payload: payload(for: eventID, size: size),
        sinks: sinks
    )
}

func records(_ prefix: String, count: Int, sinks: [String] = ["splunk"], size: Int = 300) -> [PendingRecord] {
    (0..<count).map { record("\(prefix)-\($0)", sinks: sinks, size: size) }
}

extension SQLiteStateStore {
    /// Appends records only, at `now`.
    @discardableResult
    func append(_ records: [PendingRecord], now: WallInstant = t0) async throws -> AppendResult {
        try await append(records, deadLetters: [], checkpoint: nil, now: now)
    }

    /// Claims everything claimable of `sink` at `now` with a 30 s lease.
    func claimAll(_ sink: String = "splunk", now: WallInstant = t0) async throws -> [OutboxEntry] {
        try await claim(
            sink: sink, maxEvents: 10_000, maxBytes: .max, now: now, leaseUntil: now.advanced(by: .seconds(30)))
    }
}
