import NIOCore
import PostgresNIO
import RelayCore

extension PostgresStateStore {
    static let deadLetterColumns =
        "id, origin, sink, event_id, payload, reason, attempts, created_at_ms, timestamp_ms, platform"

    static func deadLetters(_ rows: PostgresRowSequence) async throws -> [DeadLetter] {
        var letters: [DeadLetter] = []
        for try await (id, origin, sink, eventID, payload, reason, attempts, createdMS, timestampMS, platform)
            in rows.decode(
                (Int64, String, String?, String?, ByteBuffer, String, Int, Int64, Int64?, String?).self)
        {
            letters.append(
                DeadLetter(
                    id: id, origin: origin, sink: sink, eventID: eventID, payload: Array(buffer: payload),
                    reason: reason,
                    attempts: attempts, createdAt: Timestamp(millisecondsSinceEpoch: createdMS),
                    timestamp: timestampMS.map { Timestamp(millisecondsSinceEpoch: $0) },
                    platform: platform.map { Platform(rawValue: $0) }))
        }
        return letters
    }

    /// The most recently written dead letters first (by insertion order).
    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        guard limit > 0 else { return [] }
        return try await withConnection("list dead letters") { connection in
            try await Self.deadLetters(
                connection.query(
                    "SELECT \(unescaped: Self.deadLetterColumns) FROM dead_letters ORDER BY id DESC LIMIT \(limit)",
                    logger: logger))
        }
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await withConnection("read dead letter") { connection in
            try await Self.deadLetters(
                connection.query(
                    "SELECT \(unescaped: Self.deadLetterColumns) FROM dead_letters WHERE id = \(id)",
                    logger: logger)
            ).first
        }
    }

    /// Moves replayable dead letters (a sink and an event_id) back into their outboxes, in id
    /// order, in one statement: `ids` (or every one) limited to `sink` when given.
    public func replayDeadLetters(ids: [Int64]?, sink: String?, now: WallInstant) async throws -> Int {
        let nowMS = now.timestamp.millisecondsSinceEpoch
        return try await transaction("replay dead letters") { connection in
            try await Self.count(
                connection.query(
                    """
                    WITH replayed AS (
                        DELETE FROM dead_letters
                        WHERE (\(ids)::int8[] IS NULL OR id = ANY(\(ids)::int8[]))
                          AND (\(sink)::text IS NULL OR sink = \(sink)::text)
                          AND sink IS NOT NULL AND event_id IS NOT NULL
                        RETURNING id, sink, event_id, timestamp_ms, created_at_ms, platform, payload
                    )
                    INSERT INTO outbox (sink, event_id, timestamp_ms, platform, payload, enqueued_at_ms)
                    SELECT sink, event_id, coalesce(timestamp_ms, created_at_ms), coalesce(platform, 'unknown'), payload, \(nowMS)
                    FROM replayed ORDER BY id
                    RETURNING 1
                    """, logger: logger))
        }
    }

    public func purgeDeadLetters(createdBefore cutoff: WallInstant) async throws -> Int {
        let cutoffMS = cutoff.timestamp.millisecondsSinceEpoch
        return try await withConnection("purge dead letters") { connection in
            try await Self.count(
                connection.query(
                    "DELETE FROM dead_letters WHERE created_at_ms < \(cutoffMS) RETURNING 1", logger: logger))
        }
    }

    public func move(sink: String, ids: [Int64], toSink: String) async throws {
        guard !ids.isEmpty else { return }
        try await withConnection("move outbox rows") { connection in
            try await connection.execute(
                "UPDATE outbox SET sink = \(toSink), claimed_until_ms = NULL WHERE sink = \(sink) AND id = ANY(\(ids)::int8[])",
                logger: logger)
        }
    }

    public func oldestEnqueued(sink: String) async throws -> Timestamp? {
        try await withConnection("oldest outbox row") { connection in
            try await Self.first(
                connection.query("SELECT min(enqueued_at_ms) FROM outbox WHERE sink = \(sink)", logger: logger),
                as: Int64?.self
            )?.map { Timestamp(millisecondsSinceEpoch: $0) }
        }
    }

    // MARK: Partition leases

    public func acquireLease(source: String, partition: String, owner: String, until: WallInstant, now: WallInstant)
        async throws -> Bool
    {
        let untilMS = until.timestamp.millisecondsSinceEpoch
        let nowMS = now.timestamp.millisecondsSinceEpoch
        return try await withConnection("acquire lease") { connection in
            try await Self.count(
                connection.query(
                    """
                    INSERT INTO partition_leases AS l (source, partition, owner, expires_at_ms, acquired_at_ms)
                    VALUES (\(source), \(partition), \(owner), \(untilMS), \(nowMS))
                    ON CONFLICT (source, partition) DO UPDATE SET
                        expires_at_ms = excluded.expires_at_ms,
                        acquired_at_ms = CASE WHEN l.owner = excluded.owner THEN l.acquired_at_ms ELSE excluded.acquired_at_ms END,
                        owner = excluded.owner
                    WHERE l.owner = excluded.owner OR l.expires_at_ms <= excluded.acquired_at_ms
                    RETURNING 1
                    """, logger: logger)) > 0
        }
    }

    public func renewLease(source: String, partition: String, owner: String, until: WallInstant) async throws -> Bool {
        let untilMS = until.timestamp.millisecondsSinceEpoch
        return try await withConnection("renew lease") { connection in
            try await Self.count(
                connection.query(
                    """
                    UPDATE partition_leases SET expires_at_ms = \(untilMS)
                    WHERE source = \(source) AND partition = \(partition) AND owner = \(owner) RETURNING 1
                    """, logger: logger)) > 0
        }
    }

    public func releaseLease(source: String, partition: String, owner: String) async throws {
        try await withConnection("release lease") { connection in
            try await connection.execute(
                "DELETE FROM partition_leases WHERE source = \(source) AND partition = \(partition) AND owner = \(owner)",
                logger: logger)
        }
    }

    public func lease(source: String, partition: String) async throws -> PartitionLease? {
        try await withConnection("read lease") { connection in
            var lease: PartitionLease?
            let rows = try await connection.query(
                """
                SELECT owner, expires_at_ms, acquired_at_ms FROM partition_leases
                WHERE source = \(source) AND partition = \(partition)
                """, logger: logger)
            for try await (owner, expiresMS, acquiredMS) in rows.decode((String, Int64, Int64).self) {
                lease = PartitionLease(
                    source: source, partition: partition, owner: owner,
                    expiresAt: Timestamp(millisecondsSinceEpoch: expiresMS),
                    acquiredAt: Timestamp(millisecondsSinceEpoch: acquiredMS))
            }
            return lease
        }
    }
}
