import Foundation
import GRDB
import RelayCore
import Synchronization
import Testing

@testable import RelayState

@Suite("State store lifecycle, dead letters and ledger")
struct LifecycleTests {
    @Test func reopenedStoreReleasesClaimsAndKeepsState() async throws {
        try await withTemporaryDatabasePath { (path) async throws in
            let configuration = SQLiteStateConfiguration(path: path)
            let first = try SQLiteStateStore(configuration: configuration)
            try await first.append(
                records("keep", count: 3), deadLetters: [],
                checkpoint: CheckpointUpdate(source: "genesys", partition: "audits", value: "cursor-9"), now: t0)
            let claimed = try await first.claim(
                sink: "splunk", maxEvents: 10, maxBytes: .max, now: t0, leaseUntil: t0.advanced(by: .seconds(3600)))
            #expect(claimed.count == 3)
            try await first.setValue("channel-guid", forKey: "splunk.channel")
            try first.close()

            // As if the process died holding the claim: the next one delivers the rows at once.
            let second = try SQLiteStateStore(configuration: configuration)
            defer { try? second.close() }
            #expect(try await second.claimAll(now: t0.advanced(by: .seconds(1))) == claimed)
            #expect(try await second.outboxDepth(sink: "splunk") == 3)
            #expect(try await second.checkpoint(source: "genesys", partition: "audits") == "cursor-9")
            #expect(try await second.value(forKey: "splunk.channel") == "channel-guid")
            #expect(try await second.append([record("keep-1")]).duplicates == 1)
        }
    }

    @Test func storeRunsInWALMode() async throws {
        try await withStore { (store, path) async throws in
            try store.close()
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            let mode = try await queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
        }
    }

    /// A new database gets 16 KiB pages; one made before keeps its 4 KiB pages and its data.
    @Test func newDatabasesUseSixteenKiBPagesAndOldOnesKeepTheirs() async throws {
        func pageSize(_ path: String) throws -> Int? {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }
        }
        try await withStore { (store, path) async throws in
            try await store.append(records("new", count: 3))
            try store.close()
            #expect(try pageSize(path) == 16_384)
        }
        try await withTemporaryDatabasePath { (path) async throws in
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let old = try DatabasePool(path: path)
            try await old.write { db in try db.execute(sql: "CREATE TABLE made_before (x)") }
            try old.close()
            #expect(try pageSize(path) == 4_096)
            let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: path))
            try await store.append(records("old", count: 3))
            #expect(try await store.outboxDepth(sink: "splunk") == 3)
            try store.close()
            #expect(try pageSize(path) == 4_096)
        }
    }

    /// What delivering a batch writes to the WAL. Claims live in memory, so claiming writes
    /// nothing (a lease column rewrote each row's page, payload and all). Debian builds SQLite with
    /// SECURE_DELETE, which zero-fills every page a delete frees: each delivered payload went to
    /// the WAL once more. The store zeroes deleted content only where the page is written anyway
    /// (`secure_delete = FAST`). Compared here with the same batch acknowledged under Debian's
    /// default.
    @Test func deliveringWritesNoLeasesAndNoFreedPagesToTheWAL() async throws {
        let count = 400
        func acknowledgedWALBytes(secureDelete: String? = nil) async throws -> Int {
            try await withStore { (store, path) async throws in
                try await store.append(records("wal", count: count, size: 1_000))
                func walBytes() throws -> Int {
                    try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
                }
                try await store.pool.writeWithoutTransaction { db in
                    if let secureDelete { try db.execute(sql: "PRAGMA secure_delete = \(secureDelete)") }
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
                let claimed = try await store.claimAll()
                #expect(claimed.count == count)
                #expect(try walBytes() == 0)
                try await store.acknowledge(sink: "splunk", ids: claimed.map(\.id))
                #expect(try await store.outboxDepth(sink: "splunk") == 0)
                return try walBytes()
            }
        }
        let acknowledged = try await acknowledgedWALBytes()
        let zeroFilled = try await acknowledgedWALBytes(secureDelete: "ON")
        // 476 KB against 492 KB zero-filled here, for 400 KB of payloads: deleting from the front
        // of the table rebalances the pages that empty, which writes most of them anyway (with
        // 4 KiB pages it was 301 KB against 573 KB).
        #expect(acknowledged < zeroFilled, "WAL bytes: \(acknowledged), zero-filled: \(zeroFilled)")
        #expect(acknowledged < count * 1_300, "WAL bytes: \(acknowledged)")
    }

    @Test(arguments: StoreKind.allCases) func keyValueState(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            #expect(try await store.value(forKey: "k") == nil)
            try await store.setValue("one", forKey: "k")
            try await store.setValue("two", forKey: "k")
            try await store.setValue("other", forKey: "k2")
            #expect(try await store.value(forKey: "k") == "two")
            if let sqlite = store as? SQLiteStateStore { try await sqlite.removeValue(forKey: "k") }
            if let postgres = store as? PostgresStateStore { try await postgres.removeValue(forKey: "k") }
            #expect(try await store.value(forKey: "k") == nil)
            #expect(try await store.value(forKey: "k2") == "other")
        }
    }

    @Test(arguments: StoreKind.allCases) func deadLetterMovesRowsAndListsThemNewestFirst(_ kind: StoreKind) async throws
    {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            let intake = DeadLetterDraft(
                origin: "genesys", sink: nil, eventID: nil, payload: Array("{not json".utf8), reason: "malformed",
                attempts: 1)
            let result = try await store.append(records("d", count: 3), deadLetters: [intake], checkpoint: nil, now: t0)
            #expect(result == AppendResult(accepted: 3, duplicates: 0, deadLettered: 1))

            let claimed = try await store.claimAll()
            let failedAt = t0.advanced(by: .seconds(120))
            try await store.deadLetter(
                sink: "splunk", entries: Array(claimed.prefix(2)), reason: "HTTP 400 invalid event", attempts: 5,
                now: failedAt)
            #expect(try await store.outboxDepth(sink: "splunk") == 1)
            // Dead-lettering a row already gone (acknowledged meanwhile) records nothing.
            try await store.acknowledge(sink: "splunk", ids: [claimed[2].id])
            try await store.deadLetter(
                sink: "splunk", entries: [claimed[2]], reason: "late", attempts: 5, now: failedAt)

            let letters = try await store.deadLetters(limit: 10)
            #expect(letters.count == 3)
            #expect(letters.map(\.eventID) == ["d-1", "d-0", nil])
            #expect(letters.map(\.id) == letters.map(\.id).sorted(by: >))
            for (letter, entry) in zip(letters.prefix(2), claimed.prefix(2).reversed()) {
                #expect(letter.origin == "splunk")
                #expect(letter.sink == "splunk")
                #expect(letter.payload == entry.payload)
                #expect(letter.reason == "HTTP 400 invalid event")
                #expect(letter.attempts == 5)
                #expect(letter.createdAt == failedAt.timestamp)
            }
            #expect(letters[2].origin == "genesys")
            #expect(letters[2].sink == nil)
            #expect(letters[2].payload == Array("{not json".utf8))
            #expect(letters[2].createdAt == t0.timestamp)
            #expect(try await store.deadLetters(limit: 1).map(\.eventID) == ["d-1"])
        }
    }

    /// A second connection makes the dead-letter insert fail: the outbox rows must stay.
    @Test(arguments: StoreKind.allCases) func failedDeadLetterLeavesRowsInTheOutbox(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append(records("f", count: 2))
            let claimed = try await store.claimAll()
            try await subject.execute(
                sqlite: """
                    CREATE TRIGGER refuse_second_letter BEFORE INSERT ON dead_letters
                    WHEN (SELECT count(*) FROM dead_letters) >= 1
                    BEGIN SELECT RAISE(ABORT, 'dead letter refused'); END
                    """,
                postgres: [
                    """
                    CREATE FUNCTION refuse_second_letter() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF (SELECT count(*) FROM dead_letters) >= 1 THEN RAISE EXCEPTION 'dead letter refused'; END IF;
                        RETURN NEW;
                    END $$
                    """,
                    "CREATE TRIGGER refuse_second_letter BEFORE INSERT ON dead_letters FOR EACH ROW EXECUTE FUNCTION refuse_second_letter()",
                ])
            let error = await #expect(throws: RelayError.self) {
                try await store.deadLetter(sink: "splunk", entries: claimed, reason: "gone", attempts: 5, now: t0)
            }
            #expect(error?.code == .stateStore)
            #expect(try await store.outboxDepth(sink: "splunk") == 2)
            #expect(try await store.deadLetters(limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func purgeLedgerForgetsOnlyOldEntries(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append([record("old")], now: t0)
            try await store.append([record("new")], now: t0.advanced(by: .seconds(86_400 * 2)))
            #expect(try await store.purgeLedger(acceptedBefore: t0.advanced(by: .seconds(86_400))) == 1)
            // Purging never touches outboxes.
            #expect(try await store.outboxDepth(sink: "splunk") == 2)
            #expect(try await store.append([record("old")]).accepted == 1)
            #expect(try await store.append([record("new")]).duplicates == 1)
            #expect(try await store.purgeLedger(acceptedBefore: t0) == 0)
        }
    }

    @Test(
        "a database from before the time-keyed ledger still drops what its old ledger remembers, until that is purged")
    func legacyLedgerIsConsultedUntilPurged() async throws {
        try await withTemporaryDatabasePath { (path) async throws in
            // A database as version 3 of the schema left it, with two remembered event_ids.
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let old = try DatabasePool(path: path)
            try SQLiteSchema.migrator.migrate(old, upTo: "v3_partition_leases")
            try await old.write { db in
                try db.execute(sql: "INSERT INTO ledger (event_id, accepted_at_ms) VALUES ('seen-1', 1), ('seen-2', 1)")
            }
            try old.close()

            let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: path))
            defer { try? store.close() }
            #expect(
                try await store.append([record("seen-1"), record("fresh")]) == AppendResult(accepted: 1, duplicates: 1))
            #expect(try await store.append([record("fresh")]).duplicates == 1)
            // The janitor purges both ledgers; once the old one is empty it is no longer consulted.
            #expect(try await store.purgeLedger(acceptedBefore: WallInstant(Timestamp(millisecondsSinceEpoch: 2))) == 2)
            #expect(store.legacyLedger.withLock { $0 } == false)
            #expect(try await store.append([record("seen-2")]).accepted == 1)
        }
    }

    @Test func unopenablePathFailsWithStateStoreError() async throws {
        try await withTemporaryDatabasePath { (path) async throws in
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // A regular file where the database's parent directory should be.
            let blocker = directory.appendingPathComponent("blocker").path
            #expect(FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8)))
            let badPath = blocker + "/relay.sqlite"
            let error = #expect(throws: RelayError.self) {
                _ = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: badPath))
            }
            #expect(error?.code == .stateStore)
            #expect(error?.message.contains(badPath) == true)
            #expect(error?.message.contains("open") == true)
        }
    }

    @Test(arguments: StoreKind.allCases) func closedStoreFailsWithStateStoreError(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let (store, path) = (subject.store, subject.location)
            try store.close()
            let error = await #expect(throws: RelayError.self) { try await store.outboxDepth(sink: "splunk") }
            #expect(error?.code == .stateStore)
            #expect(error?.message.contains(path) == true)
        }
    }
}
