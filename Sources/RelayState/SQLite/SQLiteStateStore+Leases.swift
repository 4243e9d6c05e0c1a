import GRDB
import RelayCore

extension SQLiteStateStore {
    public func acquireLease(source: String, partition: String, owner: String, until: WallInstant, now: WallInstant)
        async throws -> Bool
    {
        let arguments: StatementArguments = [
            source, partition, owner, until.timestamp.millisecondsSinceEpoch, now.timestamp.millisecondsSinceEpoch,
        ]
        return try await write("acquire lease") { db in
            try db.cachedStatement(sql: StateSQL.acquireLease).execute(arguments: arguments)
            return db.changesCount > 0
        }
    }

    public func renewLease(source: String, partition: String, owner: String, until: WallInstant) async throws -> Bool {
        let arguments: StatementArguments = [until.timestamp.millisecondsSinceEpoch, source, partition, owner]
        return try await write("renew lease") { db in
            try db.cachedStatement(sql: StateSQL.renewLease).execute(arguments: arguments)
            return db.changesCount > 0
        }
    }

    public func releaseLease(source: String, partition: String, owner: String) async throws {
        try await write("release lease") { db in
            try db.cachedStatement(sql: StateSQL.releaseLease).execute(arguments: [source, partition, owner])
        }
    }

    public func lease(source: String, partition: String) async throws -> PartitionLease? {
        try await read("read lease") { db in
            try Row.fetchOne(db.cachedStatement(sql: StateSQL.selectLease), arguments: [source, partition]).map { row in
                PartitionLease(
                    source: source, partition: partition, owner: row[0],
                    expiresAt: Timestamp(millisecondsSinceEpoch: row[1]),
                    acquiredAt: Timestamp(millisecondsSinceEpoch: row[2]))
            }
        }
    }
}
