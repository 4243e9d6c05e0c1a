/// One normalized event on its way into the outboxes of the sinks its routes name.
public struct PendingRecord: Sendable, Equatable {
    public var eventID: String
    public var timestamp: Timestamp
    public var platform: Platform
    /// The normalized event's JSON encoding, stored as is and handed to sinks unchanged.
    public var payload: [UInt8]
    /// The sinks whose outboxes receive this record.
    public var sinks: [String]

    public init(eventID: String, timestamp: Timestamp, platform: Platform, payload: [UInt8], sinks: [String]) {
        self.eventID = eventID
        self.timestamp = timestamp
        self.platform = platform
        self.payload = payload
        self.sinks = sinks
    }
}

/// Something that could not be delivered or not even normalized, kept with its reason.
public struct DeadLetterDraft: Sendable, Equatable {
    /// The source or sink name where it failed.
    public var origin: String
    /// The sink whose outbox it left, when it failed in delivery (`nil` for intake failures).
    public var sink: String?
    public var eventID: String?
    /// The normalized event for delivery failures; the raw record text for intake failures.
    public var payload: [UInt8]
    public var reason: String
    public var attempts: Int

    public init(origin: String, sink: String?, eventID: String?, payload: [UInt8], reason: String, attempts: Int) {
        self.origin = origin
        self.sink = sink
        self.eventID = eventID
        self.payload = payload
        self.reason = reason
        self.attempts = attempts
    }
}

/// A checkpoint value to store for one (source, partition); opaque to the store.
public struct CheckpointUpdate: Sendable, Equatable {
    public var source: String
    public var partition: String
    public var value: String

    public init(source: String, partition: String, value: String) {
        self.source = source
        self.partition = partition
        self.value = value
    }
}

/// What an append did.
public struct AppendResult: Sendable, Equatable {
    /// Records newly accepted into the ledger and the outboxes.
    public var accepted: Int
    /// Records whose `event_id` was already in the ledger and were dropped.
    public var duplicates: Int
    /// Dead letters written.
    public var deadLettered: Int

    public init(accepted: Int = 0, duplicates: Int = 0, deadLettered: Int = 0) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.deadLettered = deadLettered
    }
}

/// Source checkpoints and the dedup ledger, which move together with the outboxes they feed.
///
/// ``append(_:deadLetters:checkpoint:lease:now:)`` is one transaction: ledger, outboxes, dead letters
/// and checkpoint change together or not at all. A record whose `event_id` is already in the ledger
/// is dropped at append time. (A store may key its ledger by the record's timestamp as well, as the
/// SQLite one does: the same platform record always normalizes to the same `event_id` and the same time.)
public protocol CheckpointStore: Sendable {
    /// The stored checkpoint of a source partition, or `nil` if it never committed one.
    func checkpoint(source: String, partition: String) async throws -> String?

    /// Appends records and intake dead letters and moves a checkpoint, in one transaction. When
    /// `lease` is given, the transaction first checks that its owner still holds that partition
    /// lease (unexpired at `now`) and fails with ``RelayError/Code/leaseLost`` otherwise, writing
    /// nothing: an instance whose lease lapsed can never move a checkpoint another instance owns.
    func append(
        _ records: [PendingRecord],
        deadLetters: [DeadLetterDraft],
        checkpoint: CheckpointUpdate?,
        lease: LeaseGuard?,
        now: WallInstant
    ) async throws -> AppendResult

    /// Forgets ledger entries accepted before `cutoff`; returns how many.
    func purgeLedger(acceptedBefore cutoff: WallInstant) async throws -> Int
}

extension CheckpointStore {
    /// Appends without a lease check (push receivers, operator commands, single-instance callers).
    @discardableResult
    public func append(
        _ records: [PendingRecord],
        deadLetters: [DeadLetterDraft],
        checkpoint: CheckpointUpdate?,
        now: WallInstant
    ) async throws -> AppendResult {
        try await append(records, deadLetters: deadLetters, checkpoint: checkpoint, lease: nil, now: now)
    }
}
