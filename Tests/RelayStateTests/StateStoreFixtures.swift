import Foundation
import GRDB
import Logging
import PostgresNIO
import RelayCore
import RelayTesting
import Testing

@testable import RelayState

/// 2026-01-01T00:00:00Z, the instant every test starts from.
let t0 = WallInstant(sinceEpoch: .seconds(1_767_225_600))

/// The two stores every contract test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A store under test with what a test needs beside it.
struct StoreUnderTest: Sendable {
    var store: any StateStore
    /// What the store's errors name: the SQLite path, or the redacted PostgreSQL URL.
    var location: String
    var kind: StoreKind
    /// Runs `body` with another store on the same database, as another process or instance would
    /// open it (running for the closure's duration, closed after).
    var withReopened: @Sendable (_ body: (any StateStore) async throws -> Void) async throws -> Void

    /// Runs raw SQL on the store's database from another connection (SQLite) or through the
    /// store's pool in its schema (PostgreSQL).
    func execute(sqlite: String, postgres: [String]) async throws {
        switch kind {
        case .sqlite:
            try await withSecondHandle(location) { db in try db.execute(sql: sqlite) }
        case .postgres:
            let store = store as! PostgresStateStore
            try await store.withConnection("test setup") { connection in
                for statement in postgres {
                    try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: store.logger)
                }
            }
        }
    }
}

/// The PostgreSQL server scripts/test starts; a test that needs it fails (never passes) without it.
enum TestPostgres {
    static func url() throws -> String {
        try #require(
            ProcessInfo.processInfo.environment["CCRELAY_TEST_POSTGRES_URL"],
            "CCRELAY_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL for these tests"
        )
    }

    static let logger = Logger.quiet("ccrelay.state.tests")

    /// A configuration on a fresh schema of its own, so tests run side by side.
    static func freshConfiguration(poolSize: Int = 4) throws -> PostgresStateConfiguration {
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try PostgresStateConfiguration(url: url(), poolSize: poolSize, schema: schema)
    }
}

/// Runs `body` with a fresh store of `kind`, closed afterwards.
func withStore<T>(_ kind: StoreKind, _ body: (StoreUnderTest) async throws -> T) async throws -> T {
    switch kind {
    case .sqlite:
        return try await withTemporaryDatabasePath { (path) async throws in
            let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: path))
            defer { try? store.close() }
            let subject = StoreUnderTest(store: store, location: path, kind: kind) { body in
                let other = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: path))
                defer { try? other.close() }
                try await body(other)
            }
            return try await body(subject)
        }
    case .postgres:
        let configuration = try TestPostgres.freshConfiguration()
        return try await PostgresStateStore.withRunning(configuration: configuration, logger: TestPostgres.logger) {
            store in
            let subject = StoreUnderTest(store: store, location: configuration.redactedURL, kind: kind) { body in
                try await PostgresStateStore.withRunning(configuration: configuration, logger: TestPostgres.logger) {
                    other in
                    try await body(other)
                }
            }
            return try await body(subject)
        }
    }
}

/// Runs `body` with a database path inside a fresh temporary directory (in a subdirectory that
/// does not exist yet, so the store must create it) and removes the directory afterwards.
func withTemporaryDatabasePath<T>(_ body: (String) async throws -> T) async throws -> T {
    try await withScratchDirectory("state-tests") { directory in
        try await body(directory + "/state/relay.sqlite")
    }
}

/// Runs `body` with a SQLite store opened on a fresh temporary database.
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

extension StateStore {
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
