import NIOCore
import PostgresNIO
import RelayCore

extension PostgresStateStore {
    /// Appends in one transaction: the lease check (`FOR SHARE`, so a take-over waits for this
    /// commit), the ledger insert of every event_id (`ON CONFLICT DO NOTHING`, in sorted order so
    /// concurrent appends lock ledger keys in the same order), one outbox row per accepted record
    /// and distinct sink in record order, the dead letters, then the checkpoint.
    public func append(
        _ records: [PendingRecord],
        deadLetters: [DeadLetterDraft],
        checkpoint: CheckpointUpdate?,
        lease: LeaseGuard?,
        now: WallInstant
    ) async throws -> AppendResult {
        if records.isEmpty, deadLetters.isEmpty, checkpoint == nil { return AppendResult() }
        let nowMS = now.timestamp.millisecondsSinceEpoch
        return try await transaction("append") { connection in
            if let lease {
                let held = try await Self.count(
                    connection.query(
                        """
                        SELECT 1 FROM partition_leases
                        WHERE source = \(lease.source) AND partition = \(lease.partition) AND owner = \(lease.owner)
                          AND expires_at_ms > \(nowMS)
                        FOR SHARE
                        """, logger: logger))
                guard held > 0 else { throw lease.lostError }
            }
            var result = AppendResult()
            if !records.isEmpty {
                let ids = records.map(\.eventID)
                var accepted: Set<String> = []
                let inserted = try await connection.query(
                    """
                    INSERT INTO ledger (event_id, accepted_at_ms)
                    SELECT e, \(nowMS) FROM unnest(\(ids)::text[]) AS e ORDER BY e
                    ON CONFLICT (event_id) DO NOTHING RETURNING event_id
                    """, logger: logger)
                for try await id in inserted.decode(String.self) { accepted.insert(id) }

                var sinks: [String] = []
                var eventIDs: [String] = []
                var timestamps: [Int64] = []
                var platforms: [String] = []
                var payloads: [ByteBuffer] = []
                for record in records {
                    // The first occurrence of an accepted id is the new one; later ones are duplicates.
                    guard accepted.remove(record.eventID) != nil else {
                        result.duplicates += 1
                        continue
                    }
                    result.accepted += 1
                    let payload = ByteBuffer(bytes: record.payload)
                    for (index, sink) in record.sinks.enumerated() where !record.sinks[..<index].contains(sink) {
                        sinks.append(sink)
                        eventIDs.append(record.eventID)
                        timestamps.append(record.timestamp.millisecondsSinceEpoch)
                        platforms.append(record.platform.rawValue)
                        payloads.append(payload)
                    }
                }
                if !sinks.isEmpty {
                    try await connection.execute(
                        """
                        INSERT INTO outbox (sink, event_id, timestamp_ms, platform, payload, enqueued_at_ms)
                        SELECT s, e, t, p, b, \(nowMS)
                        FROM unnest(\(sinks)::text[], \(eventIDs)::text[], \(timestamps)::int8[], \(platforms)::text[], \(payloads)::bytea[])
                            WITH ORDINALITY AS u(s, e, t, p, b, n)
                        ORDER BY n
                        """, logger: logger)
                }
            }
            for letter in deadLetters {
                try await connection.execute(
                    """
                    INSERT INTO dead_letters (origin, sink, event_id, payload, reason, attempts, created_at_ms)
                    VALUES (\(letter.origin), \(letter.sink), \(letter.eventID), \(ByteBuffer(bytes: letter.payload)),
                            \(letter.reason), \(letter.attempts), \(nowMS))
                    """, logger: logger)
                result.deadLettered += 1
            }
            if let checkpoint {
                try await connection.execute(
                    """
                    INSERT INTO checkpoints (source, partition, value, updated_at_ms)
                    VALUES (\(checkpoint.source), \(checkpoint.partition), \(checkpoint.value), \(nowMS))
                    ON CONFLICT (source, partition) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms
                    """, logger: logger)
            }
            return result
        }
    }

    /// Claims the oldest claimable rows of `sink` that no concurrent claim has locked
    /// (`FOR UPDATE SKIP LOCKED`): at most `maxEvents` rows (at least one) and no more payload bytes
    /// than `maxBytes`, except that the first row is always included. In id order.
    ///
    /// Rows whose lease ended are first made unclaimed (an index on the lease end finds them), so
    /// the claim itself walks only unclaimed rows, through a partial index, however many rows
    /// await acknowledgement.
    public func claim(sink: String, maxEvents: Int, maxBytes: Int, now: WallInstant, leaseUntil: WallInstant)
        async throws -> [OutboxEntry]
    {
        let nowMS = now.timestamp.millisecondsSinceEpoch
        let untilMS = leaseUntil.timestamp.millisecondsSinceEpoch
        let limit = max(1, maxEvents)
        return try await withConnection("claim") { connection in
            try await connection.execute(
                """
                UPDATE outbox SET claimed_until_ms = NULL
                WHERE sink = \(sink) AND claimed_until_ms IS NOT NULL AND claimed_until_ms <= \(nowMS)
                """, logger: logger)
            let rows = try await connection.query(
                """
                WITH candidates AS (
                    SELECT id, length(payload)::int8 AS size FROM outbox
                    WHERE sink = \(sink) AND claimed_until_ms IS NULL
                    ORDER BY id
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                ), sized AS (
                    SELECT id,
                           row_number() OVER (ORDER BY id) AS position,
                           sum(size) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) AS running_bytes
                    FROM candidates
                )
                UPDATE outbox SET claimed_until_ms = \(untilMS)
                FROM sized
                WHERE outbox.id = sized.id AND (sized.position = 1 OR sized.running_bytes <= \(maxBytes))
                RETURNING outbox.id, outbox.event_id, outbox.timestamp_ms, outbox.platform, outbox.payload, outbox.enqueued_at_ms
                """, logger: logger)
            var entries: [OutboxEntry] = []
            for try await (id, eventID, timestampMS, platform, payload, enqueuedMS) in rows.decode(
                (Int64, String, Int64, String, ByteBuffer, Int64).self)
            {
                entries.append(
                    OutboxEntry(
                        id: id, eventID: eventID, timestamp: Timestamp(millisecondsSinceEpoch: timestampMS),
                        platform: Platform(rawValue: platform), payload: Array(buffer: payload),
                        enqueuedAt: Timestamp(millisecondsSinceEpoch: enqueuedMS)))
            }
            // RETURNING does not promise an order.
            entries.sort { $0.id < $1.id }
            return entries
        }
    }

    /// Deletes the given rows of `sink`'s outbox; ids of other sinks or already gone are ignored.
    public func acknowledge(sink: String, ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await withConnection("acknowledge") { connection in
            try await connection.execute(
                "DELETE FROM outbox WHERE sink = \(sink) AND id = ANY(\(ids)::int8[])", logger: logger)
        }
    }

    /// Clears the claim of the given rows of `sink`'s outbox so the next claim takes them.
    public func release(sink: String, ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await withConnection("release") { connection in
            try await connection.execute(
                "UPDATE outbox SET claimed_until_ms = NULL WHERE sink = \(sink) AND id = ANY(\(ids)::int8[])",
                logger: logger)
        }
    }

    /// Moves the rows of `entries` still in `sink`'s outbox to the dead letters (payload as stored)
    /// in one transaction; rows already gone are skipped.
    public func deadLetter(sink: String, entries: [OutboxEntry], reason: String, attempts: Int, now: WallInstant)
        async throws
    {
        guard !entries.isEmpty else { return }
        let nowMS = now.timestamp.millisecondsSinceEpoch
        let ids = entries.map(\.id)
        try await transaction("dead-letter") { connection in
            try await connection.execute(
                """
                WITH moved AS (
                    DELETE FROM outbox WHERE sink = \(sink) AND id = ANY(\(ids)::int8[])
                    RETURNING id, sink, event_id, payload, timestamp_ms, platform
                )
                INSERT INTO dead_letters (origin, sink, event_id, payload, reason, attempts, created_at_ms, timestamp_ms, platform)
                SELECT sink, sink, event_id, payload, \(reason), \(attempts), \(nowMS), timestamp_ms, platform
                FROM moved ORDER BY id
                """, logger: logger)
        }
    }

    public func outboxDepth(sink: String) async throws -> Int {
        try await withConnection("outbox depth") { connection in
            try await Self.first(
                connection.query("SELECT count(*) FROM outbox WHERE sink = \(sink)", logger: logger), as: Int.self)
                ?? 0
        }
    }

    /// Deletes ledger entries accepted strictly before `cutoff`; outboxes are not touched.
    public func purgeLedger(acceptedBefore cutoff: WallInstant) async throws -> Int {
        let cutoffMS = cutoff.timestamp.millisecondsSinceEpoch
        return try await withConnection("purge ledger") { connection in
            try await Self.count(
                connection.query("DELETE FROM ledger WHERE accepted_at_ms < \(cutoffMS) RETURNING 1", logger: logger))
        }
    }
}
