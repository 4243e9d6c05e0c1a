import GRDB

/// The store's schema as named migrations. Later versions register more migrations after these;
/// a migration, once shipped, never changes, and its identifier starts with `v` and its version
/// number (``version(of:)``). (`outbox.claimed_until_ms` of `v1_state` is no longer
/// written or read: claims live in the store instance's memory.)
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_state") { db in
            // Source checkpoints, opaque to the store; `updated_at_ms` is for operators.
            try db.execute(
                sql: """
                    CREATE TABLE checkpoints (
                        source        TEXT NOT NULL,
                        partition     TEXT NOT NULL,
                        value         TEXT NOT NULL,
                        updated_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (source, partition)
                    ) WITHOUT ROWID;

                    -- AUTOINCREMENT: ids are never reused, so a stale acknowledgement from an
                    -- expired claim can never delete a row enqueued later.
                    CREATE TABLE outbox (
                        id               INTEGER PRIMARY KEY AUTOINCREMENT,
                        sink             TEXT NOT NULL CHECK (sink <> ''),
                        event_id         TEXT NOT NULL CHECK (event_id <> ''),
                        timestamp_ms     INTEGER NOT NULL,
                        platform         TEXT NOT NULL,
                        payload          BLOB NOT NULL,
                        enqueued_at_ms   INTEGER NOT NULL,
                        claimed_until_ms INTEGER
                    );
                    CREATE INDEX outbox_sink_id ON outbox (sink, id);

                    -- The dedup ledger: every accepted event_id for the retention window.
                    CREATE TABLE ledger (
                        event_id       TEXT PRIMARY KEY NOT NULL CHECK (event_id <> ''),
                        accepted_at_ms INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX ledger_accepted_at ON ledger (accepted_at_ms);

                    CREATE TABLE dead_letters (
                        id            INTEGER PRIMARY KEY AUTOINCREMENT,
                        origin        TEXT NOT NULL,
                        sink          TEXT,
                        event_id      TEXT,
                        payload       BLOB NOT NULL,
                        reason        TEXT NOT NULL,
                        attempts      INTEGER NOT NULL,
                        created_at_ms INTEGER NOT NULL
                    );

                    -- Small named values that components keep across restarts.
                    CREATE TABLE kv (
                        key   TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v2_dead_letter_replay") { db in
            // The event's own time and platform, so a replayed dead letter re-enters its outbox
            // exactly as it left it; and an index for the oldest-row query of each outbox.
            try db.execute(
                sql: """
                    ALTER TABLE dead_letters ADD COLUMN timestamp_ms INTEGER;
                    ALTER TABLE dead_letters ADD COLUMN platform TEXT;
                    CREATE INDEX dead_letters_created_at ON dead_letters (created_at_ms);
                    """
            )
        }
        migrator.registerMigration("v3_partition_leases") { db in
            // Who pulls each (source, partition) and until when (DESIGN.md, "Scale-out").
            try db.execute(
                sql: """
                    CREATE TABLE partition_leases (
                        source         TEXT NOT NULL,
                        partition      TEXT NOT NULL,
                        owner          TEXT NOT NULL CHECK (owner <> ''),
                        expires_at_ms  INTEGER NOT NULL,
                        acquired_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (source, partition)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v4_ledger_by_time") { db in
            // The dedup ledger keyed by the event's own time first. Keyed by event_id alone (a hash),
            // every insert landed on a random page of the ledger's B-tree, and SQLite's WAL writes
            // whole pages: once the ledger outgrew the cache each new event cost a 4 KiB page in
            // the WAL (4.9 KB per event measured at 500,000 entries), more than its payload. The
            // same record always has the same time, so (timestamp_ms, event_id) identifies it as
            // well, and a batch's inserts share a few neighbouring pages (0.5 KB per event).
            // The old `ledger` table keeps the entries accepted before this version; appends consult
            // it until the janitor has purged it empty.
            try db.execute(
                sql: """
                    CREATE TABLE ledger_by_time (
                        timestamp_ms   INTEGER NOT NULL,
                        event_id       TEXT NOT NULL CHECK (event_id <> ''),
                        accepted_at_ms INTEGER NOT NULL,
                        PRIMARY KEY (timestamp_ms, event_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX ledger_by_time_accepted_at ON ledger_by_time (accepted_at_ms);
                    """
            )
        }
        return migrator
    }

    /// The schema version a migration identifier names (`v4_ledger_by_time` is 4), or `nil` when the
    /// identifier does not start with `v`, digits and `_`.
    static func version(of identifier: String) -> Int? {
        guard identifier.hasPrefix("v"), let end = identifier.firstIndex(of: "_") else { return nil }
        return Int(identifier[identifier.index(after: identifier.startIndex)..<end])
    }

    /// Brings the database at `path` up to date, after refusing one migrated by a newer ccrelay.
    ///
    /// - Throws: `RelayError(.stateSchemaNewer)` naming `path` and both versions; GRDB's errors.
    static func migrate(_ pool: DatabasePool, path: String) throws {
        let migrator = self.migrator
        // One process owns a database file at a time, so nothing migrates between the check and
        // the migration.
        let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        try SchemaVersion.refuseNewer(
            database: path, applied: Set(applied.compactMap(version(of:))),
            known: Set(migrator.migrations.compactMap(version(of:))))
        try migrator.migrate(pool)
    }
}
