import RelayCore
import Synchronization

/// A local stand-in for an OpenTelemetry collector's OTLP/HTTP logs receiver (`POST /v1/logs`,
/// JSON encoding): an API-key header check, gzip bodies, the request's shape validated per the
/// specification (malformed answered 400 with a `Status` body), records dropped on demand and
/// reported in `partialSuccess`, faults on demand, and the stored records for tests. Serve it
/// with ``Sandbox/withRunning(otlp:logger:_:)``.
public final class OTLPCollectorEmulator: Sendable {
    struct State {
        var records: [OTLPStoredLogRecord] = []
        var faults: [OTLPCollectorFault] = []
        var stats = OTLPCollectorStats()
        var revokedKeys: Set<String> = []
        var refusedEventIDs: Set<String> = []
        var droppedEventIDs: Set<String> = []
    }

    /// The collector's behaviour.
    public let configuration: OTLPCollectorConfiguration
    let state = Mutex(State())
    let arrivals = ArrivalCounter()

    /// A collector behaving per `configuration`.
    public init(configuration: OTLPCollectorConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Every stored record, in arrival order.
    public var records: [OTLPStoredLogRecord] { state.withLock { $0.records } }

    /// Returns once at least `count` records are stored, or when the calling task is cancelled.
    public func waitForRecords(count: Int) async {
        await arrivals.wait(atLeast: count)
    }

    /// Queues faults, consumed one per logs POST, in order, before any other handling.
    public func injectFaults(_ faults: [OTLPCollectorFault]) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// From now on `key` is answered 403, as after it was revoked.
    public func revokeAPIKey(_ key: String) {
        state.withLock { _ = $0.revokedKeys.insert(key) }
    }

    /// From now on every request holding a record whose `event.id` is one of `eventIDs` is
    /// answered 400, whole: nothing of it is stored.
    public func refuseRequests(containing eventIDs: Set<String>) {
        state.withLock { $0.refusedEventIDs.formUnion(eventIDs) }
    }

    /// From now on records whose `event.id` is one of `eventIDs` are dropped from requests that
    /// are otherwise accepted, and counted in the answer's `partialSuccess.rejectedLogRecords`.
    public func dropRecords(withEventIDs eventIDs: Set<String>) {
        state.withLock { $0.droppedEventIDs.formUnion(eventIDs) }
    }

    /// What the collector has served so far.
    public var stats: OTLPCollectorStats { state.withLock { $0.stats } }

    /// Stores the records of an accepted request.
    func store(_ batch: [OTLPStoredLogRecord], dropped: Int) {
        let count = state.withLock { state -> Int in
            state.records.append(contentsOf: batch)
            state.stats.acceptedRequests += 1
            state.stats.partiallyRejected += dropped
            return state.records.count
        }
        arrivals.update(count: count)
    }
}
