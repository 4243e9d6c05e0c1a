import Foundation
import GRDB
import RelayCore

extension SQLiteStateStore {
    /// Appends in one write transaction: the lease check when `lease` is given, then each record
    /// enters the ledger (or counts as a duplicate, also within this call) and, when new, one
    /// outbox row per distinct sink it names; then the dead letters, then the checkpoint. Any
    /// failure rolls all of it back.
    public func append(
        _ records: [PendingRecord],
        deadLetters: [DeadLetterDraft],
        checkpoint: CheckpointUpdate?,
        lease: LeaseGuard?,
        now: WallInstant
    ) async throws -> AppendResult {
        if records.isEmpty, deadLetters.isEmpty, checkpoint == nil { return AppendResult() }
        let nowMS = now.timestamp.millisecondsSinceEpoch
        return try await write("append") { db in
            if let lease {
                let held = try Int.fetchOne(
                    db.cachedStatement(sql: StateSQL.leaseHeld),
                    arguments: [lease.source, lease.partition, lease.owner, nowMS])
                guard held != nil else { throw lease.lostError }
            }
            var result = AppendResult()
            if !records.isEmpty {
                let ledger = try db.cachedStatement(sql: StateSQL.insertLedger)
                let legacy =
                    legacyLedger.withLock { $0 } ? try db.cachedStatement(sql: StateSQL.legacyLedgerHolds) : nil
                let outbox = try db.cachedStatement(sql: StateSQL.insertOutbox)
                for record in records {
                    let timestampMS = record.timestamp.millisecondsSinceEpoch
                    if let legacy, try Int.fetchOne(legacy, arguments: [record.eventID]) != nil {
                        result.duplicates += 1
                        continue
                    }
                    try ledger.execute(arguments: [timestampMS, record.eventID, nowMS])
                    guard db.changesCount > 0 else {
                        result.duplicates += 1
                        continue
                    }
                    result.accepted += 1
                    let payload = Data(record.payload)
                    for (index, sink) in record.sinks.enumerated() where !record.sinks[..<index].contains(sink) {
                        try outbox.execute(
                            arguments: [sink, record.eventID, timestampMS, record.platform.rawValue, payload, nowMS])
                    }
                }
            }
            if !deadLetters.isEmpty {
                let insert = try db.cachedStatement(sql: StateSQL.insertDeadLetter)
                for letter in deadLetters {
                    try insert.execute(arguments: [
                        letter.origin, letter.sink, letter.eventID, Data(letter.payload), letter.reason,
                        letter.attempts, nowMS,
                    ])
                    result.deadLettered += 1
                }
            }
            if let checkpoint {
                try db.cachedStatement(sql: StateSQL.upsertCheckpoint).execute(
                    arguments: [checkpoint.source, checkpoint.partition, checkpoint.value, nowMS])
            }
            return result
        }
    }

    /// Claims the oldest rows of `sink` that are unclaimed or whose lease ended at or before `now`:
    /// at most `maxEvents` rows (at least one) and no more payload bytes than `maxBytes`, except
    /// that the first claimable row is always included. Returned in id order.
    ///
    /// Claims live in this instance's memory, not in the database: one process owns a SQLite store,
    /// and a new instance must deliver a previous one's in-flight rows again anyway. Writing each
    /// lease into its row rewrote the row's page, payload and all (1 KB of WAL per event). The
    /// ``OutboxClaimBook`` makes a claim read only the rows it returns: rows given back first, then
    /// rows past the highest id this instance handed out. The reads run on the writer connection,
    /// so they see every committed acknowledgement.
    public func claim(sink: String, maxEvents: Int, maxBytes: Int, now: WallInstant, leaseUntil: WallInstant)
        async throws -> [OutboxEntry]
    {
        let nowMS = now.timestamp.millisecondsSinceEpoch
        let untilMS = leaseUntil.timestamp.millisecondsSinceEpoch
        let limit = max(1, maxEvents)
        return try await write("claim") { db in
            try claims.withLock { book throws -> [OutboxEntry] in
                var entries: [OutboxEntry] = []
                var bytes = 0
                /// Adds the row unless the batch's bytes are full; false when full.
                func take(_ row: Row) throws -> Bool {
                    let payload = try row.withUnsafeData(atIndex: 4) { data in data.map { [UInt8]($0) } ?? [] }
                    if !entries.isEmpty, bytes + payload.count > maxBytes { return false }
                    bytes += payload.count
                    entries.append(
                        OutboxEntry(
                            id: row[0],
                            eventID: row[1],
                            timestamp: Timestamp(millisecondsSinceEpoch: row[2]),
                            platform: Platform(rawValue: row[3]),
                            payload: payload,
                            enqueuedAt: Timestamp(millisecondsSinceEpoch: row[5])
                        ))
                    return true
                }
                var full = false
                let returned = book.takeReturned(sink: sink, nowMS: nowMS, limit: limit)
                if !returned.isEmpty {
                    let byID = try db.cachedStatement(sql: StateSQL.outboxRowOfSink)
                    for (index, id) in returned.enumerated() {
                        // Gone (delivered, dead-lettered) or moved to another sink: skipped.
                        guard let row = try Row.fetchOne(byID, arguments: [id, sink]) else { continue }
                        if try !take(row) {
                            book.giveBack(sink: sink, ids: Array(returned[index...]))
                            full = true
                            break
                        }
                    }
                }
                if !full, entries.count < limit {
                    let rows = try Row.fetchCursor(
                        db.cachedStatement(sql: StateSQL.outboxAfter),
                        arguments: [sink, book.frontier(of: sink), limit - entries.count])
                    while let row = try rows.next(), try take(row) {}
                }
                book.hold(sink: sink, ids: entries.map(\.id), untilMS: untilMS)
                return entries
            }
        }
    }

    /// Deletes the given rows of `sink`'s outbox; ids of other sinks or already gone are ignored.
    public func acknowledge(sink: String, ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await write("acknowledge") { db in
            let delete = try db.cachedStatement(sql: StateSQL.deleteOutboxRow)
            for id in ids { try delete.execute(arguments: [id, sink]) }
        }
        forgetClaims(sink: sink, ids: ids)
    }

    /// Clears the claim of the given rows of `sink`'s outbox so the next claim takes them.
    public func release(sink: String, ids: [Int64]) async throws {
        claims.withLock { $0.release(sink: sink, ids: ids) }
    }

    /// Drops this instance's claims on the given rows of `sink`, after the transaction that
    /// removed or moved them has committed (until then a claim keeps them from being sent twice).
    func forgetClaims(sink: String, ids: [Int64]) {
        guard !ids.isEmpty else { return }
        claims.withLock { $0.forget(sink: sink, ids: ids) }
    }

    /// Moves the rows of `entries` still in `sink`'s outbox to the dead letters (origin and sink
    /// both `sink`, payload as stored) in one transaction. Entries no longer in the outbox
    /// (already delivered or dead-lettered) are skipped rather than recorded twice.
    public func deadLetter(sink: String, entries: [OutboxEntry], reason: String, attempts: Int, now: WallInstant)
        async throws
    {
        guard !entries.isEmpty else { return }
        let nowMS = now.timestamp.millisecondsSinceEpoch
        let ids = entries.map(\.id)
        try await write("dead-letter") { db in
            let copy = try db.cachedStatement(sql: StateSQL.deadLetterOutboxRow)
            let delete = try db.cachedStatement(sql: StateSQL.deleteOutboxRow)
            for id in ids {
                try copy.execute(arguments: [id, sink, reason, attempts, nowMS])
                try delete.execute(arguments: [id, sink])
            }
        }
        forgetClaims(sink: sink, ids: ids)
    }

    /// Rows waiting in `sink`'s outbox, claimed or not.
    public func outboxDepth(sink: String) async throws -> Int {
        try await read("outbox depth") { db in
            try Int.fetchOne(db.cachedStatement(sql: StateSQL.outboxDepth), arguments: [sink]) ?? 0
        }
    }

    /// The most recently written dead letters first (by insertion order, whatever their clocks said).
    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        guard limit > 0 else { return [] }
        return try await read("list dead letters") { db in
            var letters: [DeadLetter] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: StateSQL.selectDeadLetters), arguments: [limit])
            while let row = try rows.next() { letters.append(try Self.deadLetter(from: row)) }
            return letters
        }
    }

    /// Deletes ledger entries accepted strictly before `cutoff`; their event_ids are accepted
    /// again afterwards. Outboxes are not touched.
    public func purgeLedger(acceptedBefore cutoff: WallInstant) async throws -> Int {
        let cutoffMS = cutoff.timestamp.millisecondsSinceEpoch
        let consultsLegacy = legacyLedger.withLock { $0 }
        let (purged, legacyEmptied) = try await write("purge ledger") { db in
            try db.cachedStatement(sql: StateSQL.purgeLedger).execute(arguments: [cutoffMS])
            var purged = db.changesCount
            guard consultsLegacy else { return (purged, false) }
            try db.cachedStatement(sql: StateSQL.purgeLegacyLedger).execute(arguments: [cutoffMS])
            purged += db.changesCount
            return (purged, try Bool.fetchOne(db.cachedStatement(sql: StateSQL.legacyLedgerIsEmpty)) == true)
        }
        // Only once the purge has committed: a rolled-back one leaves entries to consult.
        if legacyEmptied { legacyLedger.withLock { $0 = false } }
        return purged
    }
}
