import Logging
import PostgresNIO
import RelayCore
import ServiceLifecycle
import Synchronization

/// The ``StateStore`` several ccrelay instances share: PostgreSQL through postgres-nio's pooled
/// ``PostgresClient`` (DESIGN.md, "Scale-out").
///
/// Same contract as the SQLite store, with what sharing needs: outbox batches are claimed with
/// `FOR UPDATE SKIP LOCKED`, so concurrent workers never block on or take each other's rows; the
/// dedup ledger's unique index decides duplicates (`ON CONFLICT DO NOTHING`), also between
/// instances; pull partitions are owned through lease rows. Opening never releases claims (other
/// instances may be delivering them); a dead instance's claims end at their lease time.
///
/// **Lifecycle.** The store is a `Service`: ``run()`` runs the client's connection pool and the
/// schema migration, and stops both at graceful shutdown or cancellation. The daemon puts it first
/// in its `ServiceGroup` (so it stops last); other owners use
/// ``withRunning(configuration:logger:_:)``. Operations issued before the migration finished wait
/// for it (as the pool queues queries until it runs), and fail with its error if it failed.
/// Failures surface as `RelayError` (`state.store`) naming the operation and the server (user,
/// host, port, database; never the password).
public final class PostgresStateStore: StateStore, Service {
    /// The connection settings.
    public let configuration: PostgresStateConfiguration
    let client: PostgresClient
    let logger: Logger
    private let migration = PostgresMigrationGate()

    /// Prepares the connection pool; nothing connects until ``run()``.
    ///
    /// - Parameter logger: Receives the pool's background messages and migration notices.
    public init(configuration: PostgresStateConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var settings = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database,
            tls: Self.tls(configuration.tls))
        settings.options.maximumConnections = configuration.poolSize
        settings.options.minimumConnections = 0
        settings.options.connectTimeout = configuration.connectTimeout
        if let schema = configuration.schema {
            settings.options.additionalStartupParameters = [("search_path", schema)]
        }
        self.client = PostgresClient(configuration: settings, backgroundLogger: logger)
    }

    /// Runs the pool and migrates the schema, then serves until graceful shutdown or cancellation;
    /// operations fail with `state.store` afterwards.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            do {
                try await migrate()
                migration.finish(.success(()))
            } catch {
                migration.finish(.failure(error))
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        migration.close()
    }

    /// Runs `body` with a store that runs (and has migrated its schema) for the closure's duration:
    /// for operator commands, `once` and tests, which own no `ServiceGroup`.
    ///
    /// - Throws: `RelayError(.stateStore)` when the server cannot be reached or the migration
    ///   fails; what `body` throws.
    public static func withRunning<T>(
        configuration: PostgresStateConfiguration, logger: Logger, _ body: (PostgresStateStore) async throws -> T
    ) async throws -> T {
        let store = PostgresStateStore(configuration: configuration, logger: logger)
        return try await store.whileRunning { try await body(store) }
    }

    /// Runs `body` while this store runs (for a store built by its owner, such as the runtime's).
    public func whileRunning<T>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            defer { group.cancelAll() }
            try await ready("open")
            return try await body()
        }
    }

    /// The migration, on a connection of its own outside the pool, so a wrong address or password
    /// fails the first operation at once instead of after the pool's retries.
    private func migrate() async throws {
        let connection = try await PostgresConnection.connect(
            configuration: Self.connectionSettings(configuration), id: 0, logger: logger)
        do {
            let database = configuration.redactedURL + (configuration.schema.map { " (schema \($0))" } ?? "")
            try await PostgresSchema.migrate(
                connection, database: database, schema: configuration.schema, logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private static func connectionSettings(_ configuration: PostgresStateConfiguration) throws
        -> PostgresConnection.Configuration
    {
        let tls: PostgresConnection.Configuration.TLS
        switch configuration.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var settings = PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: tls)
        settings.options.connectTimeout = .milliseconds(Int64(configuration.connectTimeout.seconds * 1000))
        if let schema = configuration.schema {
            settings.options.additionalStartupParameters = [("search_path", schema)]
        }
        return settings
    }

    /// Ends the store: operations fail with `state.store` from now on (the pool stops with
    /// ``run()``). Closing twice is harmless.
    public func close() throws {
        migration.close()
    }

    private static func tls(_ mode: PostgresStateConfiguration.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    // MARK: Access

    /// Waits for the migration, mapping its failure.
    func ready(_ operation: String) async throws {
        switch await migration.wait() {
        case .success: return
        case .failure(is PostgresMigrationGate.Closed):
            throw RelayError(
                .stateStore, "state store \(operation) failed on \(configuration.redactedURL): the store is closed")
        case .failure(let error):
            throw storeError(operation, error)
        }
    }

    /// Runs `body` on one pooled connection outside a transaction, mapping errors.
    func withConnection<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws
        -> T
    {
        try await ready(operation)
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw storeError(operation, error)
        }
    }

    /// Runs `body` in one transaction (rolled back if it throws), mapping errors. A deadlock or
    /// serialization failure (another instance's transaction crossed this one) is retried twice.
    func transaction<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws -> T
    {
        try await ready(operation)
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    try await connection.execute("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.execute("COMMIT", logger: logger)
                        return value
                    } catch {
                        _ = try? await connection.execute("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < 3 && Self.isTransient(error) {
                attempt += 1
                logger.debug(
                    "State store transaction retried after a conflict", metadata: ["ccrelay.operation": "\(operation)"])
            } catch {
                throw storeError(operation, error)
            }
        }
    }

    /// Deadlock detected (40P01) or serialization failure (40001).
    static func isTransient(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// The error callers see: the server's SQLSTATE and message (which name tables and constraints,
    /// not bound values; the detail field, which may quote values, is left out), the operation and
    /// the redacted server address.
    func storeError(_ operation: String, _ error: any Error) -> any Error {
        let place = configuration.redactedURL
        switch error {
        case is CancellationError, is RelayError:
            return error
        case let error as PSQLError:
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? "?"
                let message = info[.message] ?? "no message"
                return RelayError(
                    .stateStore, "state store \(operation) failed on \(place): PostgreSQL \(state): \(message)")
            }
            if error.code == .queryCancelled { return CancellationError() }
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return RelayError(.stateStore, "state store \(operation) failed on \(place): \(error.code)\(underlying)")
        default:
            return RelayError(.stateStore, "state store \(operation) failed on \(place): \(error)")
        }
    }

    // MARK: Key/value state

    public func value(forKey key: String) async throws -> String? {
        try await withConnection("read value") { connection in
            try await Self.first(
                connection.query("SELECT value FROM kv WHERE key = \(key)", logger: logger), as: String.self)
        }
    }

    public func setValue(_ value: String, forKey key: String) async throws {
        try await withConnection("write value") { connection in
            try await connection.execute(
                "INSERT INTO kv (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                logger: logger)
        }
    }

    /// Forgets the value stored under `key`, if any.
    public func removeValue(forKey key: String) async throws {
        try await withConnection("remove value") { connection in
            try await connection.execute("DELETE FROM kv WHERE key = \(key)", logger: logger)
        }
    }

    // MARK: Checkpoints

    public func checkpoint(source: String, partition: String) async throws -> String? {
        try await withConnection("read checkpoint") { connection in
            try await Self.first(
                connection.query(
                    "SELECT value FROM checkpoints WHERE source = \(source) AND partition = \(partition)",
                    logger: logger),
                as: String.self)
        }
    }

    /// The first column of the first row, or `nil` when there is none (the rest is drained).
    static func first<T: PostgresDecodable>(_ rows: PostgresRowSequence, as type: T.Type) async throws -> T? {
        var value: T?
        for try await (column) in rows.decode(T.self) where value == nil { value = column }
        return value
    }

    /// How many rows a statement returned (its `RETURNING` rows).
    static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}

extension PostgresConnection {
    /// Runs a statement whose rows (if any) are not needed, reading them to the end.
    func execute(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
