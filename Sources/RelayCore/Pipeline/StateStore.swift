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

/// A row of a sink's outbox, claimed for delivery.
public struct OutboxEntry: Sendable, Equatable {
    /// Monotonic row id; delivery order follows it.
    public var id: Int64
    public var eventID: String
    public var timestamp: Timestamp
    public var platform: Platform
    public var payload: [UInt8]
    /// When it entered the outbox.
    public var enqueuedAt: Timestamp

    public init(id: Int64, eventID: String, timestamp: Timestamp, platform: Platform, payload: [UInt8], enqueuedAt: Timestamp) {
        self.id = id
        self.eventID = eventID
        self.timestamp = timestamp
        self.platform = platform
        self.payload = payload
        self.enqueuedAt = enqueuedAt
    }
}

/// A stored dead letter.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int64
    public var origin: String
    public var sink: String?
    public var eventID: String?
    public var payload: [UInt8]
    public var reason: String
    public var attempts: Int
    public var createdAt: Timestamp
    /// The event's own time, for delivery dead letters (replay restores it).
    public var timestamp: Timestamp?
    public var platform: Platform?

    public init(
        id: Int64, origin: String, sink: String?, eventID: String?, payload: [UInt8], reason: String, attempts: Int,
        createdAt: Timestamp, timestamp: Timestamp? = nil, platform: Platform? = nil
    ) {
        self.timestamp = timestamp
        self.platform = platform
        self.id = id
        self.origin = origin
        self.sink = sink
        self.eventID = eventID
        self.payload = payload
        self.reason = reason
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// Durable pipeline state: checkpoints, one outbox per sink, the dedup ledger and dead letters.
///
/// The contract every implementation keeps:
/// * ``append(_:deadLetters:checkpoint:now:)`` is one transaction: ledger, outboxes, dead letters
///   and checkpoint change together or not at all.
/// * A record whose `event_id` is already in the ledger is dropped at append time. (A store may
///   key its ledger by the record's timestamp as well, as the SQLite one does: the same platform
///   record always normalizes to the same `event_id` and the same time.)
/// * A claimed row stays in the outbox until ``acknowledge(sink:ids:)`` or
///   ``deadLetter(sink:entries:reason:attempts:now:)``; a claim expires at its lease time, so a
///   crashed worker's rows are delivered again. Claims need not outlive the store instance: a
///   store one process owns alone (SQLite) keeps them in memory, and a new instance finds every
///   row claimable.
public protocol StateStore: Sendable {
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

    /// Claims the oldest unclaimed rows of a sink's outbox, up to `maxEvents` rows and about
    /// `maxBytes` of payload (always at least one row when any is available), until `leaseUntil`.
    func claim(sink: String, maxEvents: Int, maxBytes: Int, now: WallInstant, leaseUntil: WallInstant) async throws
        -> [OutboxEntry]

    /// Removes delivered rows from a sink's outbox.
    func acknowledge(sink: String, ids: [Int64]) async throws

    /// Makes claimed rows claimable again at once (a worker giving back what it will not send).
    func release(sink: String, ids: [Int64]) async throws

    /// Moves rows from a sink's outbox to dead letters with the reason, in one transaction.
    func deadLetter(sink: String, entries: [OutboxEntry], reason: String, attempts: Int, now: WallInstant) async throws

    /// Rows waiting in a sink's outbox (claimed or not).
    func outboxDepth(sink: String) async throws -> Int

    /// Dead letters, newest first.
    func deadLetters(limit: Int) async throws -> [DeadLetter]

    /// Forgets ledger entries accepted before `cutoff`; returns how many.
    func purgeLedger(acceptedBefore cutoff: WallInstant) async throws -> Int

    /// Moves rows from one sink's outbox to another's (a fallback sink), unclaimed, in one transaction.
    func move(sink: String, ids: [Int64], toSink: String) async throws

    /// When the oldest row waiting in a sink's outbox was enqueued, or `nil` when it is empty.
    func oldestEnqueued(sink: String) async throws -> Timestamp?

    /// One dead letter by id.
    func deadLetter(id: Int64) async throws -> DeadLetter?

    /// Puts delivery dead letters back into their sink's outbox (same event_id and payload) and removes
    /// them from the dead letters, in one transaction. `ids: nil` means every dead letter (of `sink`
    /// when given). Intake dead letters (no sink: records that never normalized) are not replayable
    /// and stay. Returns how many were replayed.
    func replayDeadLetters(ids: [Int64]?, sink: String?, now: WallInstant) async throws -> Int

    /// Deletes dead letters created before `cutoff`; returns how many.
    func purgeDeadLetters(createdBefore cutoff: WallInstant) async throws -> Int

    /// A small named value a component keeps across restarts (e.g. a Splunk channel GUID).
    func value(forKey key: String) async throws -> String?

    /// Stores a named value.
    func setValue(_ value: String, forKey key: String) async throws

    // MARK: Partition leases

    /// Takes the lease of a pull partition for `owner` until `until` when nobody holds it, its
    /// holder's lease ended at or before `now`, or `owner` already holds it (then it is extended).
    /// Returns whether `owner` holds it afterwards.
    func acquireLease(source: String, partition: String, owner: String, until: WallInstant, now: WallInstant)
        async throws -> Bool

    /// Extends a lease `owner` still holds (its row still names `owner`, even if it has just
    /// expired but nobody took it) to `until`; returns false when the lease was lost.
    func renewLease(source: String, partition: String, owner: String, until: WallInstant) async throws -> Bool

    /// Gives up a lease `owner` holds, so another instance can take it at once; nothing when
    /// somebody else holds it.
    func releaseLease(source: String, partition: String, owner: String) async throws

    /// The lease row of a partition (held or expired), or `nil` when none was ever taken or it was released.
    func lease(source: String, partition: String) async throws -> PartitionLease?

    /// Releases the store's connections; later calls fail with `state.store`. Closing twice is harmless.
    func close() throws
}

extension StateStore {
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

/// The lease an append must still hold for its transaction to commit.
public struct LeaseGuard: Sendable, Equatable {
    public var source: String
    public var partition: String
    public var owner: String

    public init(source: String, partition: String, owner: String) {
        self.source = source
        self.partition = partition
        self.owner = owner
    }
}

extension LeaseGuard {
    /// The error of a commit refused because this lease is no longer held.
    public var lostError: RelayError {
        RelayError(
            .leaseLost,
            "source \(source), partition \(partition): the lease of \(owner) was lost (expired or taken by another instance); nothing was committed"
        )
    }
}

/// A stored partition lease: who pulls a (source, partition) and until when.
public struct PartitionLease: Sendable, Equatable {
    public var source: String
    public var partition: String
    public var owner: String
    /// The lease ends at this instant unless renewed before.
    public var expiresAt: Timestamp
    /// When the current owner first took it (kept across renewals).
    public var acquiredAt: Timestamp

    public init(source: String, partition: String, owner: String, expiresAt: Timestamp, acquiredAt: Timestamp) {
        self.source = source
        self.partition = partition
        self.owner = owner
        self.expiresAt = expiresAt
        self.acquiredAt = acquiredAt
    }
}

extension RelayError.Code {
    /// A commit was refused because the committing instance no longer holds the partition's lease.
    public static let leaseLost = RelayError.Code(rawValue: "state.lease_lost")
}
