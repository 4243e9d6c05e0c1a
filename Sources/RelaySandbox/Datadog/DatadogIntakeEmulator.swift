import RelayCore
import Synchronization

/// A faithful local stand-in for the Datadog Logs v2 intake (`POST /api/v2/logs`): `DD-API-KEY`
/// check, gzip/deflate bodies, JSON arrays (or one object), the 5 MB / 1000 entries / 1 MB per log
/// limits (larger logs truncated, still 202), logs outside the 18 h / 2 h window dropped silently,
/// `202 {}`, faults on demand, and an index tests can query. Serve it with
/// ``Sandbox/withRunning(datadog:logger:_:)``.
public final class DatadogIntakeEmulator: Sendable {
    struct State {
        var logs: [DatadogStoredLog] = []
        var faults: [DatadogFault] = []
        var stats = DatadogIntakeStats()
        var revokedKeys: Set<String> = []
        var refusedEventIDs: Set<String> = []
    }

    /// The intake's behaviour.
    public let configuration: DatadogIntakeConfiguration
    let clock: any WallClock
    let state = Mutex(State())
    let arrivals = ArrivalCounter()

    /// An intake behaving per `configuration`; `clock` decides which logs are too old or too new.
    public init(configuration: DatadogIntakeConfiguration = .init(), clock: any WallClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Every stored log, in arrival order.
    public var logs: [DatadogStoredLog] { state.withLock { $0.logs } }

    /// Stored logs matching `predicate` (the index's search).
    public func logs(where predicate: (DatadogStoredLog) -> Bool) -> [DatadogStoredLog] {
        state.withLock { $0.logs.filter(predicate) }
    }

    /// Stored logs whose `event_id` is `eventID`.
    public func logs(eventID: String) -> [DatadogStoredLog] {
        logs { $0.eventID == eventID }
    }

    /// Returns once at least `count` logs are stored, or when the calling task is cancelled.
    public func waitForLogs(count: Int) async {
        await arrivals.wait(atLeast: count)
    }

    /// Queues faults, consumed one per logs POST, in order, before any other handling.
    public func injectFaults(_ faults: [DatadogFault]) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// From now on `key` is answered 403, as after it was revoked.
    public func revokeAPIKey(_ key: String) {
        state.withLock { _ = $0.revokedKeys.insert(key) }
    }

    /// From now on every request holding a log with one of `eventIDs` is answered 400, whole, as
    /// Datadog answers a request with a log it cannot parse: nothing of it is stored.
    public func refuseRequests(containing eventIDs: Set<String>) {
        state.withLock { $0.refusedEventIDs.formUnion(eventIDs) }
    }

    /// What the intake has served so far.
    public var stats: DatadogIntakeStats { state.withLock { $0.stats } }

    /// Forgets every stored log (stats are kept).
    public func removeAllLogs() {
        state.withLock { $0.logs.removeAll() }
        arrivals.update(count: 0)
    }

    /// Stores the logs of an accepted request.
    func store(_ batch: [DatadogStoredLog], droppedForAge: Int) {
        let count = state.withLock { state -> Int in
            state.logs.append(contentsOf: batch)
            state.stats.acceptedRequests += 1
            state.stats.droppedForAge += droppedForAge
            state.stats.truncated += batch.filter(\.truncated).count
            return state.logs.count
        }
        arrivals.update(count: count)
    }
}
