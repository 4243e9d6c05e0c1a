/// Partition leases: which instance pulls a (source, partition) of a shared store, and until when.
public protocol LeaseStore: Sendable {
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
