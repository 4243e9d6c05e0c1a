import Foundation
import RelayCore
import Testing

@testable import RelayState

@Suite("State schema versions: a database migrated by a newer ccrelay is refused")
struct SchemaVersionTests {
    @Test(arguments: StoreKind.allCases) func newerSchemaIsRefusedNamingDatabaseAndVersions(_ kind: StoreKind)
        async throws
    {
        try await withStore(kind) { (subject) async throws in
            try await subject.execute(
                sqlite: "INSERT INTO grdb_migrations (identifier) VALUES ('v999_future')",
                postgres: ["INSERT INTO ccrelay_migrations (version, name) VALUES (999, 'future')"])
            let error = await #expect(throws: RelayError.self) { try await subject.withReopened { _ in } }
            #expect(error?.code == .stateSchemaNewer)
            let message = error?.message ?? ""
            #expect(message.contains(subject.location))
            #expect(message.contains("schema version 999"))
            #expect(message.contains("version \(Self.binaryVersion(kind)) of this ccrelay"))
        }
    }

    @Test(arguments: StoreKind.allCases) func currentSchemaReopens(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            try await subject.store.setValue("kept", forKey: "probe")
            try await subject.withReopened { (store) async throws in
                #expect(try await store.value(forKey: "probe") == "kept")
            }
        }
    }

    @Test func sqliteMigrationIdentifiersNameTheirVersion() {
        #expect(SQLiteSchema.migrator.migrations.map(SQLiteSchema.version(of:)) == [1, 2, 3, 4])
        #expect(SQLiteSchema.version(of: "v12_later") == 12)
        #expect(SQLiteSchema.version(of: "state") == nil)
        #expect(SQLiteSchema.version(of: "vx_state") == nil)
    }

    @Test func olderOrEqualVersionsPass() throws {
        try SchemaVersion.refuseNewer(database: "db", applied: [1, 2], known: [1, 2, 3])
        try SchemaVersion.refuseNewer(database: "db", applied: [], known: [1])
        #expect(throws: RelayError.self) {
            try SchemaVersion.refuseNewer(database: "db", applied: [1, 2, 3, 4], known: [1, 2, 3])
        }
    }

    private static func binaryVersion(_ kind: StoreKind) -> Int {
        switch kind {
        case .sqlite: SQLiteSchema.migrator.migrations.compactMap(SQLiteSchema.version(of:)).max() ?? 0
        case .postgres: PostgresSchema.migrations.map(\.version).max() ?? 0
        }
    }
}
