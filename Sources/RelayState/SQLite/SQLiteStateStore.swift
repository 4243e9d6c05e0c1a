import Foundation
import GRDB
import RelayCore
import Synchronization

/// The default ``StateStore``: one SQLite database (WAL mode, via GRDB) holding checkpoints, the
/// per-sink outboxes, the dedup ledger, dead letters and a small key/value table.
///
/// One process owns a database file at a time, so outbox claims are kept in the instance's memory:
/// a new instance finds a previous process's in-flight batches claimable and delivers them again
/// at once, and an operator command opened beside a running pipeline cannot disturb its claims.
/// Several instances of ccrelay share a PostgreSQL store instead (DESIGN.md, "Scale-out").
///
/// The dedup ledger is keyed by the event's own time and its `event_id` (both fixed for a given
/// platform record), so a batch's ledger inserts share a few B-tree pages instead of one random
/// page each (see ``SQLiteSchema``, `v4_ledger_by_time`).
///
/// Commits are durable before they return (`synchronous = FULL`): a push receiver may answer 200
/// once ``append(_:deadLetters:checkpoint:now:)`` returned. Every failure surfaces as a
/// `RelayError` with code `state.store` naming the operation and the database path, never the
/// stored payloads; task cancellation surfaces as `CancellationError`.
public final class SQLiteStateStore: StateStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Whether the ledger table of versions before `v4_ledger_by_time` still holds entries that
    /// appends must consult (see ``SQLiteSchema``); it empties within one ledger retention.
    let legacyLedger: Mutex<Bool>
    /// The outbox rows claimed through this instance, by row id (see
    /// ``claim(sink:maxEvents:maxBytes:now:leaseUntil:)``).
    let claims = Mutex(OutboxClaimBook())

    /// Opens (creating if needed) the database at `configuration.path` and brings its schema up to
    /// date.
    ///
    /// - Throws: `RelayError` (`state.store`) when the directory, the file or the schema cannot be
    ///   set up; `state.schema_newer` when a newer ccrelay migrated the database.
    public init(configuration: SQLiteStateConfiguration) throws {
        let path = configuration.path
        self.path = path
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Self.createPrivately(path)
            var grdb = Configuration()
            grdb.label = "ccrelay.state"
            grdb.busyMode = .timeout(max(0, configuration.busyTimeout.seconds))
            grdb.prepareDatabase { db in
                // WAL with NORMAL may lose the last commits on power loss; an acknowledged
                // append must survive it.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Debian's SQLite zero-fills every page a delete frees (SECURE_DELETE), writing
                // each delivered payload to the WAL once more. FAST zeroes deleted content only in
                // pages written anyway; freed pages keep theirs until reused, as the WAL's old
                // frames do in either mode.
                try db.execute(sql: "PRAGMA secure_delete = FAST")
                // A new database gets 16 KiB pages (an existing one keeps its size: changing it
                // needs a VACUUM). SQLite writes WAL frames and checkpoints a page per system
                // call, and outbox rows are about a kilobyte, so 4 KiB pages cost a `pwrite` every
                // two events: a tenth of the push receiver's CPU. 16 KiB pages write about as many
                // bytes in a quarter of the calls (Benchmarks/wal-per-event.sh).
                try db.execute(sql: "PRAGMA page_size = 16384")
            }
            let pool = try DatabasePool(path: path, configuration: grdb)
            try SQLiteSchema.migrate(pool, path: path)
            self.pool = pool
            legacyLedger = Mutex(
                try pool.read { db in try Bool.fetchOne(db, sql: StateSQL.legacyLedgerIsEmpty) } == false)
        } catch {
            throw Self.storeError("open", path: path, error)
        }
    }

    /// Closes the database. Later calls fail with `state.store`; closing twice is harmless.
    /// Without it, the database closes when the store is deinitialized.
    public func close() throws {
        do {
            try pool.close()
        } catch {
            throw Self.storeError("close", path: path, error)
        }
    }

    // MARK: Key/value state

    /// A value a component stored under `key` (e.g. a Splunk sink's channel GUID), or `nil`.
    public func value(forKey key: String) async throws -> String? {
        try await read("read value") { db in
            try String.fetchOne(db.cachedStatement(sql: StateSQL.selectValue), arguments: [key])
        }
    }

    /// Stores `value` under `key`, replacing what was there; durable when it returns.
    public func setValue(_ value: String, forKey key: String) async throws {
        try await write("write value") { db in
            try db.cachedStatement(sql: StateSQL.upsertValue).execute(arguments: [key, value])
        }
    }

    /// Forgets the value stored under `key`, if any.
    public func removeValue(forKey key: String) async throws {
        try await write("remove value") { db in
            try db.cachedStatement(sql: StateSQL.deleteValue).execute(arguments: [key])
        }
    }

    // MARK: Checkpoints

    /// The checkpoint last committed for the source partition, or `nil`.
    public func checkpoint(source: String, partition: String) async throws -> String? {
        try await read("read checkpoint") { db in
            try String.fetchOne(db.cachedStatement(sql: StateSQL.selectCheckpoint), arguments: [source, partition])
        }
    }

    // MARK: Access

    /// Runs `updates` in one write transaction (rolled back if it throws), mapping errors.
    func write<T: Sendable>(_ operation: String, _ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch {
            throw Self.storeError(operation, path: path, error)
        }
    }

    /// Runs `value` on a read snapshot, mapping errors.
    func read<T: Sendable>(_ operation: String, _ value: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch {
            throw Self.storeError(operation, path: path, error)
        }
    }

    /// The error callers see: SQLite's code and message (which name tables and constraints, never
    /// bound values), the operation and the file.
    /// Creates the database file with mode 0600 when it does not exist yet (the payloads it holds
    /// may be personal data), so SQLite, which gives its `-wal` and `-shm` files the database
    /// file's permissions, never creates any of them under a permissive umask. An existing file
    /// keeps its mode.
    static func createPrivately(_ path: String) throws {
        let files = FileManager.default
        guard !files.fileExists(atPath: path) else { return }
        guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw RelayError(.stateStore, "state store create failed on \(path): cannot create the file")
        }
        // Set explicitly: the umask only narrows, but the mode must be exactly owner read/write.
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    static func storeError(_ operation: String, path: String, _ error: any Error) -> any Error {
        switch error {
        case is CancellationError:
            return error
        case let error as RelayError:
            return error
        case let error as DatabaseError:
            let detail = "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "no message")"
            return RelayError(.stateStore, "state store \(operation) failed on \(path): \(detail)")
        default:
            return RelayError(.stateStore, "state store \(operation) failed on \(path): \(error)")
        }
    }
}
