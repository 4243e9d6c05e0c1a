/// The SQL text of the store's statements, in one place so the schema and its uses are read together.
/// Each is prepared once per connection (`cachedStatement`) and rebound on every use.
enum StateSQL {
    static let selectCheckpoint = "SELECT value FROM checkpoints WHERE source = ? AND partition = ?"

    static let upsertCheckpoint = """
        INSERT INTO checkpoints (source, partition, value, updated_at_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT (source, partition) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms
        """

    /// Changes one row when the event is new, none when the ledger already holds it. Only the key
    /// conflict is ignored: `INSERT OR IGNORE` would also swallow a CHECK violation (an empty
    /// event_id) and count the record as a duplicate.
    static let insertLedger = """
        INSERT INTO ledger_by_time (timestamp_ms, event_id, accepted_at_ms) VALUES (?, ?, ?)
        ON CONFLICT (timestamp_ms, event_id) DO NOTHING
        """

    /// Whether the ledger of versions before `v4_ledger_by_time` still remembers the event_id.
    static let legacyLedgerHolds = "SELECT 1 FROM ledger WHERE event_id = ?"

    static let legacyLedgerIsEmpty = "SELECT NOT EXISTS (SELECT 1 FROM ledger)"

    // `coalesce`: an empty payload may arrive as a NULL binding; it is stored as an empty blob.
    static let insertOutbox = """
        INSERT INTO outbox (sink, event_id, timestamp_ms, platform, payload, enqueued_at_ms)
        VALUES (?, ?, ?, ?, coalesce(?, x''), ?)
        """

    static let insertDeadLetter = """
        INSERT INTO dead_letters (origin, sink, event_id, payload, reason, attempts, created_at_ms)
        VALUES (?, ?, ?, coalesce(?, x''), ?, ?, ?)
        """

    /// A sink's outbox rows past an id, in id order, at most a number of them.
    static let outboxAfter = """
        SELECT id, event_id, timestamp_ms, platform, payload, enqueued_at_ms FROM outbox
        WHERE sink = ? AND id > ? ORDER BY id LIMIT ?
        """

    /// One outbox row of a sink.
    static let outboxRowOfSink = """
        SELECT id, event_id, timestamp_ms, platform, payload, enqueued_at_ms FROM outbox WHERE id = ? AND sink = ?
        """

    static let deleteOutboxRow = "DELETE FROM outbox WHERE id = ? AND sink = ?"

    /// Copies one outbox row into the dead letters from what is stored (not from the caller's copy).
    /// Arguments: id, sink, reason, attempts, created at.
    static let deadLetterOutboxRow = """
        INSERT INTO dead_letters (origin, sink, event_id, payload, reason, attempts, created_at_ms, timestamp_ms, platform)
        SELECT sink, sink, event_id, payload, ?3, ?4, ?5, timestamp_ms, platform FROM outbox WHERE id = ?1 AND sink = ?2
        """

    static let outboxDepth = "SELECT count(*) FROM outbox WHERE sink = ?"

    static let deadLetterColumns =
        "id, origin, sink, event_id, payload, reason, attempts, created_at_ms, timestamp_ms, platform"

    static let selectDeadLetters = "SELECT \(deadLetterColumns) FROM dead_letters ORDER BY id DESC LIMIT ?"

    static let selectDeadLetter = "SELECT \(deadLetterColumns) FROM dead_letters WHERE id = ?"

    /// Moves rows to another outbox. Arguments: target sink, id, source sink.
    static let moveOutboxRow = "UPDATE outbox SET sink = ? WHERE id = ? AND sink = ?"

    static let oldestEnqueued = "SELECT min(enqueued_at_ms) FROM outbox WHERE sink = ?"

    /// Replays one delivery dead letter into its outbox. Arguments: now, id.
    static let replayDeadLetter = """
        INSERT INTO outbox (sink, event_id, timestamp_ms, platform, payload, enqueued_at_ms)
        SELECT sink, event_id, coalesce(timestamp_ms, created_at_ms), coalesce(platform, 'unknown'), payload, ?1
        FROM dead_letters WHERE id = ?2 AND sink IS NOT NULL AND event_id IS NOT NULL
        """

    static let deleteDeadLetter = "DELETE FROM dead_letters WHERE id = ?"

    static let replayableDeadLetterIDs =
        "SELECT id FROM dead_letters WHERE sink IS NOT NULL AND event_id IS NOT NULL ORDER BY id"

    static let replayableDeadLetterIDsOfSink =
        "SELECT id FROM dead_letters WHERE sink = ? AND event_id IS NOT NULL ORDER BY id"

    static let purgeDeadLetters = "DELETE FROM dead_letters WHERE created_at_ms < ?"

    static let purgeLedger = "DELETE FROM ledger_by_time WHERE accepted_at_ms < ?"

    static let purgeLegacyLedger = "DELETE FROM ledger WHERE accepted_at_ms < ?"

    static let selectValue = "SELECT value FROM kv WHERE key = ?"

    static let upsertValue =
        "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"

    static let deleteValue = "DELETE FROM kv WHERE key = ?"

    /// One row when the owner holds the lease unexpired. Arguments: source, partition, owner, now.
    static let leaseHeld = """
        SELECT 1 FROM partition_leases WHERE source = ? AND partition = ? AND owner = ? AND expires_at_ms > ?
        """

    /// Takes or extends a lease; changes one row when the owner holds it afterwards.
    /// Arguments: source, partition, owner, until, now.
    static let acquireLease = """
        INSERT INTO partition_leases (source, partition, owner, expires_at_ms, acquired_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (source, partition) DO UPDATE SET
            expires_at_ms = excluded.expires_at_ms,
            acquired_at_ms = CASE WHEN owner = excluded.owner THEN acquired_at_ms ELSE excluded.acquired_at_ms END,
            owner = excluded.owner
        WHERE owner = excluded.owner OR expires_at_ms <= excluded.acquired_at_ms
        """

    /// Arguments: until, source, partition, owner.
    static let renewLease =
        "UPDATE partition_leases SET expires_at_ms = ? WHERE source = ? AND partition = ? AND owner = ?"

    static let releaseLease = "DELETE FROM partition_leases WHERE source = ? AND partition = ? AND owner = ?"

    static let selectLease = """
        SELECT owner, expires_at_ms, acquired_at_ms FROM partition_leases WHERE source = ? AND partition = ?
        """
}
