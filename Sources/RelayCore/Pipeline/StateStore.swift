import ServiceLifecycle

/// Durable pipeline state: the outboxes, checkpoints with the dedup ledger, dead letters, partition
/// leases and named values, in one store. Components take the narrow capability they use
/// (``OutboxStore``, ``CheckpointStore``, ``DeadLetterStore``, ``LeaseStore``, ``KeyValueStore``);
/// the runtime opens and closes the whole.
///
/// A store is a `Service`: whatever it runs in the background (a connection pool) runs in
/// `run()`, which the daemon's `ServiceGroup` starts first and stops last; an owner without a
/// group runs its work inside ``whileRunning(_:)``. A store with no background work (SQLite) uses
/// the defaults: `run()` waits for graceful shutdown, `whileRunning` just calls its body.
public protocol StateStore: OutboxStore, CheckpointStore, DeadLetterStore, LeaseStore, KeyValueStore, Service {
    /// Releases the store's connections; later calls fail with `state.store`. Closing twice is harmless.
    func close() throws

    /// Runs `body` while the store runs (started before, stopped after), for owners that have no
    /// `ServiceGroup`: `once`, operator commands, tests.
    func whileRunning<T>(_ body: () async throws -> T) async throws -> T
}

extension StateStore {
    /// Nothing runs in the background: waits for graceful shutdown (or cancellation).
    public func run() async throws {
        try? await gracefulShutdown()
    }

    public func whileRunning<T>(_ body: () async throws -> T) async throws -> T {
        try await body()
    }
}
