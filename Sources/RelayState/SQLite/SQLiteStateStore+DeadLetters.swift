import Foundation
import GRDB
import RelayCore

extension SQLiteStateStore {
    static func deadLetter(from row: Row) throws -> DeadLetter {
        let payload = try row.withUnsafeData(atIndex: 4) { data in data.map { [UInt8]($0) } ?? [] }
        let timestampMS: Int64? = row[8]
        let platform: String? = row[9]
        return DeadLetter(
            id: row[0],
            origin: row[1],
            sink: row[2],
            eventID: row[3],
            payload: payload,
            reason: row[5],
            attempts: row[6],
            createdAt: Timestamp(millisecondsSinceEpoch: row[7]),
            timestamp: timestampMS.map { Timestamp(millisecondsSinceEpoch: $0) },
            platform: platform.map { Platform(rawValue: $0) }
        )
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        try await read("read dead letter") { db in
            try Row.fetchOne(db.cachedStatement(sql: StateSQL.selectDeadLetter), arguments: [id]).map(
                Self.deadLetter(from:))
        }
    }

    public func replayDeadLetters(ids: [Int64]?, sink: String?, now: WallInstant) async throws -> Int {
        let nowMS = now.timestamp.millisecondsSinceEpoch
        return try await write("replay dead letters") { db in
            let candidates: [Int64]
            if let ids {
                candidates = ids
            } else if let sink {
                candidates = try Int64.fetchAll(
                    db.cachedStatement(sql: StateSQL.replayableDeadLetterIDsOfSink), arguments: [sink])
            } else {
                candidates = try Int64.fetchAll(db.cachedStatement(sql: StateSQL.replayableDeadLetterIDs))
            }
            let replay = try db.cachedStatement(sql: StateSQL.replayDeadLetter)
            let delete = try db.cachedStatement(sql: StateSQL.deleteDeadLetter)
            let select = try db.cachedStatement(sql: StateSQL.selectDeadLetter)
            var replayed = 0
            for id in candidates {
                if let sink, let letter = try Row.fetchOne(select, arguments: [id]).map(Self.deadLetter(from:)),
                    letter.sink != sink
                {
                    continue
                }
                try replay.execute(arguments: [nowMS, id])
                guard db.changesCount > 0 else { continue }
                try delete.execute(arguments: [id])
                replayed += 1
            }
            return replayed
        }
    }

    public func purgeDeadLetters(createdBefore cutoff: WallInstant) async throws -> Int {
        let cutoffMS = cutoff.timestamp.millisecondsSinceEpoch
        return try await write("purge dead letters") { db in
            try db.cachedStatement(sql: StateSQL.purgeDeadLetters).execute(arguments: [cutoffMS])
            return db.changesCount
        }
    }

    public func move(sink: String, ids: [Int64], toSink: String) async throws {
        guard !ids.isEmpty else { return }
        try await write("move outbox rows") { db in
            let move = try db.cachedStatement(sql: StateSQL.moveOutboxRow)
            for id in ids { try move.execute(arguments: [toSink, id, sink]) }
        }
        forgetClaims(sink: sink, ids: ids)
        claims.withLock { $0.movedIn(sink: toSink, ids: ids) }
    }

    public func oldestEnqueued(sink: String) async throws -> Timestamp? {
        try await read("oldest outbox row") { db in
            try Int64.fetchOne(db.cachedStatement(sql: StateSQL.oldestEnqueued), arguments: [sink])
                .map { Timestamp(millisecondsSinceEpoch: $0) }
        }
    }
}
