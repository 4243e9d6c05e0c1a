import Synchronization

/// Remembers the results of a pure function of a small, repetitive input (event types of an
/// org's entity/action pairs, snake_case of the attribute keys a platform sends), up to `limit`
/// entries; inputs beyond it are derived each time, so an unbounded stream of distinct inputs
/// cannot grow memory.
public final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// Most entries remembered.
    public let limit: Int
    @usableFromInline let table = Mutex<[Key: Value]>([:])

    /// - Parameter limit: Most entries remembered. Default 4,096.
    public init(limit: Int = 4_096) {
        self.limit = limit
    }

    /// The remembered value for `key`, or `derive(key)`, remembered while there is room.
    /// Inlinable so that callers in other modules get it specialized for their key and value:
    /// unspecialized, the generic metadata lookups cost more than deriving the value.
    @inlinable
    public func value(for key: Key, derive: (Key) -> Value) -> Value {
        if let known = table.withLock({ $0[key] }) { return known }
        let value = derive(key)
        table.withLock { table in
            if table.count < limit { table[key] = value }
        }
        return value
    }
}
