import RelayCore
import Synchronization

/// ``SourceStateStorage`` in memory with the same conditional-write rules as the S3 one (a version
/// per write; a write over a stale version is refused): for tests and local runs.
public final class MemorySourceStateStorage: SourceStateStorage {
    private let objects = Mutex<[String: VersionedSourceState]>([:])
    private let counter = Mutex(0)

    public init() {}

    /// What is stored for `source`, if anything.
    public func stored(source: String) -> VersionedSourceState? {
        objects.withLock { $0[source] }
    }

    public func load(source: String) async throws(RelayError) -> VersionedSourceState {
        objects.withLock { $0[source] } ?? VersionedSourceState(state: SourceState(), etag: nil)
    }

    public func save(source: String, state: SourceState, over version: VersionedSourceState, now: Timestamp)
        async throws(RelayError) -> VersionedSourceState
    {
        let next = counter.withLock { value -> Int in
            value += 1
            return value
        }
        let result = objects.withLock { objects -> VersionedSourceState? in
            guard objects[source]?.etag == version.etag else { return nil }
            let saved = VersionedSourceState(state: state, etag: "\"v\(next)\"")
            objects[source] = saved
            return saved
        }
        guard let result else {
            throw RelayError(.stateConflict, "state of \(source) was changed by another invocation since it was read")
        }
        return result
    }
}
