import Logging
import Synchronization

/// Holds one instance's lease on one pull partition in a shared state store: takes it when it is
/// free or has lapsed, renews it every third of its duration while held, and gives it up on
/// shutdown so another instance takes over at once (DESIGN.md, "Scale-out").
///
/// Holding is a belief, not a guarantee: the store checks the lease again inside every commit
/// (``LeaseGuard``), so an instance that lost it (paused, partitioned) cannot move a checkpoint.
public final class PartitionLeaseKeeper: Sendable {
    /// The partition name of a lease that covers every partition of a source.
    public static let wholeSource = "*"

    public let source: String
    public let partition: String
    /// This instance's identity in lease rows.
    public let owner: String
    /// How long a taken or renewed lease lasts.
    public let duration: Duration
    private let store: any LeaseStore
    private let clock: any WallClock
    private let logger: Logger
    /// Until when this instance believes it holds the lease; `nil` when it does not.
    private let heldUntil = Mutex<WallInstant?>(nil)

    /// - Parameters:
    ///   - duration: How long a lease lasts without renewal (`state.lease_secs`, default 30 s).
    public init(
        store: any LeaseStore, source: String, partition: String = PartitionLeaseKeeper.wholeSource, owner: String,
        duration: Duration = .seconds(30), clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.source = source
        self.partition = partition
        self.owner = owner
        self.duration = duration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = "\(source)"
        logger[metadataKey: "ccrelay.partition"] = "\(partition)"
        self.logger = logger
    }

    /// Renewals happen this often: a third of the lease.
    public var renewInterval: Duration { duration / 3 }

    /// What every commit of the partition must still hold.
    public var leaseGuard: LeaseGuard { LeaseGuard(source: source, partition: partition, owner: owner) }

    /// Whether this instance holds the lease now (as far as it knows).
    public var isHeld: Bool {
        let now = clock.now
        return heldUntil.withLock { $0.map { now < $0 } ?? false }
    }

    /// Renews the lease when held, else tries to take it. Returns when to try again: a renewal
    /// interval from now, or, when another instance holds it, the moment its lease ends if sooner.
    @discardableResult
    public func refresh() async -> WallInstant {
        let now = clock.now
        let until = now.advanced(by: duration)
        let nextRenewal = now.advanced(by: renewInterval)
        let believed = heldUntil.withLock { $0 } != nil
        do {
            let held: Bool
            if believed {
                held = try await store.renewLease(source: source, partition: partition, owner: owner, until: until)
                if !held { logger.notice("Partition lease lost to another instance; its pulls stop here") }
            } else {
                held = try await store.acquireLease(
                    source: source, partition: partition, owner: owner, until: until, now: now)
                if held {
                    logger.notice(
                        "Partition lease acquired; this instance pulls it", metadata: ["ccrelay.owner": "\(owner)"])
                }
            }
            heldUntil.withLock { $0 = held ? until : nil }
            if held { return nextRenewal }
            // Someone else holds it: try again when their lease ends, if that is sooner.
            if let other = try await store.lease(source: source, partition: partition) {
                let end = WallInstant(sinceEpoch: .milliseconds(other.expiresAt.millisecondsSinceEpoch))
                return min(nextRenewal, max(end, now.advanced(by: .milliseconds(50))))
            }
            return now.advanced(by: .milliseconds(50))
        } catch is CancellationError {
            return nextRenewal
        } catch {
            // The belief stays until its own expiry; commits are checked by the store anyway.
            logger.warning("Partition lease could not be refreshed", metadata: ["ccrelay.error": "\(error)"])
            return nextRenewal
        }
    }

    /// Tries to take (or renews) the lease now; returns whether it is held afterwards.
    public func refreshHeld() async -> Bool {
        await refresh()
        return isHeld
    }

    /// Refreshes the lease on schedule until the task is cancelled.
    public func maintain() async {
        while !Task.isCancelled {
            let next = await refresh()
            do {
                try await clock.sleep(until: next, tolerance: nil)
            } catch {
                return
            }
        }
    }

    /// Gives the lease up (when held), so another instance may take it at once.
    public func release() async {
        guard
            heldUntil.withLock({ state in
                defer { state = nil }; return state != nil
            })
        else { return }
        let (store, source, partition, owner) = (self.store, self.source, self.partition, self.owner)
        do {
            // Also when the stopping task is cancelled: a store call in a cancelled task would not
            // run. The task is awaited here, so it does not outlive this call.
            try await Task { try await store.releaseLease(source: source, partition: partition, owner: owner) }.value
            logger.info("Partition lease released")
        } catch {
            logger.warning(
                "Partition lease could not be released; it lapses by itself", metadata: ["ccrelay.error": "\(error)"])
        }
    }
}
