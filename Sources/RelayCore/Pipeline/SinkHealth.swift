import Synchronization

/// Which sinks' credentials the destination currently rejects. Sink workers report here; pull
/// sources consult it and halt (cursors staying put) while every sink they feed is rejected.
public final class SinkHealth: Sendable {
    private let rejected = Mutex<[String: String]>([:])

    public init() {}

    /// Records that `sink`'s credential was rejected; returns true when this starts a rejection
    /// (so the caller logs or alerts once per outage).
    @discardableResult
    public func markRejected(_ sink: String, reason: String) -> Bool {
        rejected.withLock { state in
            defer { state[sink] = reason }
            return state[sink] == nil
        }
    }

    /// Records that `sink`'s credential works; returns true when this ends a rejection.
    @discardableResult
    public func markAccepted(_ sink: String) -> Bool {
        rejected.withLock { $0.removeValue(forKey: sink) != nil }
    }

    /// The rejection reason of `sink`, or `nil` when it is not rejected.
    public func rejection(of sink: String) -> String? {
        rejected.withLock { $0[sink] }
    }

    /// True when `sinks` is non-empty and every one of them is rejected.
    public func allRejected(_ sinks: [String]) -> Bool {
        guard !sinks.isEmpty else { return false }
        return rejected.withLock { state in sinks.allSatisfy { state[$0] != nil } }
    }

    /// Every currently rejected sink with its reason.
    public var rejectedSinks: [String: String] { rejected.withLock { $0 } }
}
