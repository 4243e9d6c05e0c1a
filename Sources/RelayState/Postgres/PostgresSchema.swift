import Logging
import PostgresNIO
import RelayCore

/// The store's schema as numbered migrations, recorded in `ccrelay_migrations`. A migration, once
/// shipped, never changes; later versions append to ``migrations``.
///
/// Several instances may start at once: ``migrate(_:schema:logger:)`` runs in one transaction
/// holding a transaction-scoped advisory lock, so one instance applies what is missing and the
/// others then find it applied.
enum PostgresSchema {
    struct Migration {
        var version: Int
        var name: String
        /// One statement each (the extended query protocol takes one at a time).
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "state",
            statements: [
                """
                CREATE TABLE checkpoints (
                    source        text NOT NULL,
                    partition     text NOT NULL,
                    value         text NOT NULL,
                    updated_at_ms bigint NOT NULL,
                    PRIMARY KEY (source, partition)
                )
                """,
                // Identity ids are never reused, so a stale acknowledgement cannot delete a later row.
                """
                CREATE TABLE outbox (
                    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    sink             text NOT NULL CHECK (sink <> ''),
                    event_id         text NOT NULL CHECK (event_id <> ''),
                    timestamp_ms     bigint NOT NULL,
                    platform         text NOT NULL,
                    payload          bytea NOT NULL,
                    enqueued_at_ms   bigint NOT NULL,
                    claimed_until_ms bigint
                )
                """,
                "CREATE INDEX outbox_sink_id ON outbox (sink, id)",
                // The dedup ledger: its primary key is the unique index appends conflict on.
                """
                CREATE TABLE ledger (
                    event_id       text PRIMARY KEY CHECK (event_id <> ''),
                    accepted_at_ms bigint NOT NULL
                )
                """,
                "CREATE INDEX ledger_accepted_at ON ledger (accepted_at_ms)",
                """
                CREATE TABLE dead_letters (
                    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    origin        text NOT NULL,
                    sink          text,
                    event_id      text,
                    payload       bytea NOT NULL,
                    reason        text NOT NULL,
                    attempts      bigint NOT NULL,
                    created_at_ms bigint NOT NULL,
                    timestamp_ms  bigint,
                    platform      text
                )
                """,
                "CREATE INDEX dead_letters_created_at ON dead_letters (created_at_ms)",
                "CREATE TABLE kv (key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE TABLE partition_leases (
                    source         text NOT NULL,
                    partition      text NOT NULL,
                    owner          text NOT NULL CHECK (owner <> ''),
                    expires_at_ms  bigint NOT NULL,
                    acquired_at_ms bigint NOT NULL,
                    PRIMARY KEY (source, partition)
                )
                """,
            ]
        ),
        // A claim walks only claimable rows: the unclaimed ones through a partial index in id order,
        // and leases that ended through an index on their end. Before, a claim walked the sink's
        // outbox from its oldest row past every row awaiting acknowledgement.
        Migration(
            version: 2, name: "claim_indexes",
            statements: [
                "CREATE INDEX outbox_unclaimed ON outbox (sink, id) WHERE claimed_until_ms IS NULL",
                "CREATE INDEX outbox_claimed_until ON outbox (sink, claimed_until_ms) WHERE claimed_until_ms IS NOT NULL",
            ]
        ),
    ]

    /// The advisory lock key of a schema's migrations: fixed per schema name, so instances sharing
    /// a schema serialize and instances in different schemas do not wait for each other.
    static func lockKey(schema: String?) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "ccrelay.migrations.\(schema ?? "")".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Brings the schema up to date on `connection`; see the type's description. `database` is what
    /// errors name (the redacted URL and schema).
    ///
    /// - Throws: `RelayError(.stateSchemaNewer)` when the database was migrated by a newer ccrelay.
    static func migrate(_ connection: PostgresConnection, database: String, schema: String?, logger: Logger)
        async throws
    {
        try await connection.execute("BEGIN", logger: logger)
        do {
            try await connection.execute("SELECT pg_advisory_xact_lock(\(lockKey(schema: schema)))", logger: logger)
            if let schema {
                // Validated to letters, digits and '_' by the configuration.
                try await connection.execute(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            }
            try await connection.execute(
                """
                CREATE TABLE IF NOT EXISTS ccrelay_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query(
                "SELECT version FROM ccrelay_migrations", logger: logger
            )
            .decode(Int.self) {
                applied.insert(version)
            }
            try SchemaVersion.refuseNewer(
                database: database, applied: applied, known: Set(migrations.map(\.version)))
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.execute(
                    "INSERT INTO ccrelay_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                logger.notice(
                    "State store schema migrated", metadata: ["ccrelay.schema_version": "\(migration.version)"])
            }
            try await connection.execute("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.execute("ROLLBACK", logger: logger)
            throw error
        }
    }
}
