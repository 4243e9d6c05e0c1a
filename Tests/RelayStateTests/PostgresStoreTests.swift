import Foundation
import RelayCore
import Testing

@testable import RelayState

@Suite("PostgreSQL state store: sharing, migrations, configuration")
struct PostgresStoreTests {
    @Test("a second instance keeps the first one's claims until their lease time, and sees its state")
    func reopenedStoreKeepsClaimsUntilTheirLease() async throws {
        try await withStore(.postgres) { (subject) async throws in
            let first = subject.store
            try await first.append(
                records("keep", count: 3), deadLetters: [],
                checkpoint: CheckpointUpdate(source: "genesys", partition: "audits", value: "cursor-9"), now: t0)
            let claimed = try await first.claim(
                sink: "splunk", maxEvents: 10, maxBytes: .max, now: t0, leaseUntil: t0.advanced(by: .seconds(60)))
            try await first.setValue("channel-guid", forKey: "splunk.channel")

            try await subject.withReopened { (second) async throws in
                #expect(try await second.claimAll(now: t0.advanced(by: .seconds(59))).isEmpty)
                #expect(try await second.claimAll(now: t0.advanced(by: .seconds(60))) == claimed)
                #expect(try await second.checkpoint(source: "genesys", partition: "audits") == "cursor-9")
                #expect(try await second.value(forKey: "splunk.channel") == "channel-guid")
                #expect(try await second.append([record("keep-1")]).duplicates == 1)
            }
        }
    }

    @Test("instances claiming one outbox at once never get the same row (SKIP LOCKED)")
    func concurrentClaimsAreDisjoint() async throws {
        try await withStore(.postgres) { (subject) async throws in
            try await subject.store.append(records("c", count: 400, size: 50))
            try await subject.withReopened { (second) async throws in
                try await subject.withReopened { (third) async throws in
                    let stores = [subject.store, second, third]
                    let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                        for store in stores {
                            group.addTask {
                                var mine: [String] = []
                                while true {
                                    let batch = try await store.claim(
                                        sink: "splunk", maxEvents: 7, maxBytes: .max, now: t0,
                                        leaseUntil: t0.advanced(by: .seconds(30)))
                                    if batch.isEmpty { return mine }
                                    mine += batch.map(\.eventID)
                                }
                            }
                        }
                        return try await group.reduce(into: [[String]]()) { $0.append($1) }
                    }
                    let all = claimed.flatMap { $0 }
                    #expect(all.count == 400)
                    #expect(Set(all).count == 400)
                }
            }
        }
    }

    @Test("instances starting at once on an empty database migrate it once")
    func concurrentMigrations() async throws {
        let configuration = try TestPostgres.freshConfiguration()
        // Six instances start together and each waits for its own migration.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await PostgresStateStore.withRunning(configuration: configuration, logger: TestPostgres.logger)
                    { store in
                        _ = try await store.value(forKey: "migrated")
                    }
                }
            }
            try await group.waitForAll()
        }
        try await PostgresStateStore.withRunning(configuration: configuration, logger: TestPostgres.logger) { store in
            let versions = try await store.withConnection("test") { connection in
                var versions: [Int] = []
                for try await version in try await connection.query(
                    "SELECT version FROM ccrelay_migrations ORDER BY version", logger: TestPostgres.logger
                )
                .decode(Int.self) {
                    versions.append(version)
                }
                return versions
            }
            #expect(versions == PostgresSchema.migrations.map(\.version))
            #expect(try await store.append([record("m")]).accepted == 1)
        }
    }

    @Test("a wrong password fails with state.store naming the server, never the password")
    func wrongPasswordIsReportedWithoutIt() async throws {
        var configuration = try TestPostgres.freshConfiguration()
        configuration.password = "not-the-password-\(UUID().uuidString)"
        configuration.connectTimeout = .seconds(5)
        let secret = configuration.password!
        let error = await #expect(throws: RelayError.self) {
            try await PostgresStateStore.withRunning(configuration: configuration, logger: TestPostgres.logger) { _ in }
        }
        #expect(error?.code == .stateStore)
        #expect(error?.message.contains("\(configuration.host):\(configuration.port)") == true)
        #expect(error?.message.contains(secret) == false)
    }

    @Test("URLs: user, password, port, database, sslmode; mistakes named without the password")
    func configurationFromURL() throws {
        let configuration = try PostgresStateConfiguration(
            url: "postgresql://relay:p%40ss%3Aword@db.internal:6543/ccrelay?sslmode=require", poolSize: 8)
        #expect(configuration.username == "relay")
        #expect(configuration.password == "p@ss:word")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "ccrelay")
        #expect(configuration.tls == .require)
        #expect(configuration.poolSize == 8)
        #expect(configuration.redactedURL == "postgres://relay:***@db.internal:6543/ccrelay")
        #expect("\(configuration)".contains("p@ss") == false)

        let defaults = try PostgresStateConfiguration(url: "postgres://relay@localhost")
        #expect(defaults.port == 5432)
        #expect(defaults.database == nil)
        #expect(defaults.password == nil)
        #expect(defaults.tls == .prefer)

        for (url, expected) in [
            ("mysql://u:secret-pw@h/db", "not a postgres:// URL"),
            ("postgres://u:secret-pw@/db", "no host"),
            ("postgres://h/db", "no user"),
            ("postgres://u:secret-pw@h/db?sslmode=sometimes", "sslmode"),
            ("postgres://u:secret-pw@h/db?timeout=3", "unknown URL parameter"),
        ] {
            let error = #expect(throws: RelayError.self) { try PostgresStateConfiguration(url: url) }
            #expect(error?.code == .configInvalid)
            #expect(error?.message.contains(expected) == true, "\(url): \(error?.message ?? "")")
            #expect(error?.message.contains("secret-pw") == false)
        }
        #expect(throws: RelayError.self) { try PostgresStateConfiguration(url: "postgres://u@h/db", poolSize: 0) }
        #expect(throws: RelayError.self) {
            try PostgresStateConfiguration(url: "postgres://u@h/db", schema: "x; DROP TABLE y")
        }
    }
}
