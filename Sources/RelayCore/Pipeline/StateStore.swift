/// Durable pipeline state: the outboxes, checkpoints with the dedup ledger, dead letters, partition
/// leases and named values, in one store. Components take the narrow capability they use
/// (``OutboxStore``, ``CheckpointStore``, ``DeadLetterStore``, ``LeaseStore``, ``KeyValueStore``);
/// the runtime opens and closes the whole.
public protocol StateStore: OutboxStore, CheckpointStore, DeadLetterStore, LeaseStore, KeyValueStore {
    /// Releases the store's connections; later calls fail with `state.store`. Closing twice is harmless.
    func close() throws
}
