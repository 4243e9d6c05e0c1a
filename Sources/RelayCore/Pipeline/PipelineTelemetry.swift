import Synchronization

/// Running counts of one source.
public struct SourceCounters: Sendable, Equatable {
    public var received = 0
    public var accepted = 0
    public var duplicates = 0
    public var malformed = 0
    public var unrouted = 0
    public var cycles = 0
    public var failedCycles = 0
    /// Cycles failed in a row since the last successful one (0 after a success).
    public var consecutiveFailures = 0
    public var lastError: String?
    /// The source's current poll interval (stretched under a low rate-limit budget); nil before a cycle.
    public var pollInterval: Duration?
    /// Total time cycles were held back by the platform's rate limits (`Retry-After` pauses).
    public var throttled: Duration = .zero
    public init() {}
}

/// Running counts of one sink.
public struct SinkCounters: Sendable, Equatable {
    public var delivered = 0
    public var deadLettered = 0
    public var batches = 0
    public var failedAttempts = 0
    /// Events sent again because their acknowledgement did not come in time: possible duplicates.
    public var resent = 0
    /// Batches currently awaiting acknowledgement.
    public var pendingAcks = 0
    public var lastError: String?
    public init() {}
}

/// The pipeline's counters in one place: every component reports here, and the demo's progress
/// line, `once`'s summary and the metrics exporter read from here.
public final class PipelineTelemetry: Sendable {
    private struct State {
        var sources: [String: SourceCounters] = [:]
        var sinks: [String: SinkCounters] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func recordIntake(source: String, received: Int, result: AppendResult, unrouted: Int) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].received += received
            state.sources[source, default: SourceCounters()].accepted += result.accepted
            state.sources[source, default: SourceCounters()].duplicates += result.duplicates
            state.sources[source, default: SourceCounters()].malformed += result.deadLettered
            state.sources[source, default: SourceCounters()].unrouted += unrouted
        }
    }

    public func recordCycle(source: String, error: String?) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].cycles += 1
            if let error {
                state.sources[source, default: SourceCounters()].failedCycles += 1
                state.sources[source, default: SourceCounters()].consecutiveFailures += 1
                state.sources[source, default: SourceCounters()].lastError = error
            } else {
                state.sources[source, default: SourceCounters()].consecutiveFailures = 0
            }
        }
    }

    /// Records a source's current poll interval and a rate-limit pause that follows its cycle.
    public func recordPacing(source: String, pollInterval: Duration, throttled: Duration) {
        state.withLock { state in
            state.sources[source, default: SourceCounters()].pollInterval = pollInterval
            state.sources[source, default: SourceCounters()].throttled += throttled
        }
    }

    public func recordDelivery(sink: String, delivered: Int) {
        state.withLock { state in
            state.sinks[sink, default: SinkCounters()].delivered += delivered
            state.sinks[sink, default: SinkCounters()].batches += 1
        }
    }

    public func recordFailedAttempt(sink: String, error: String) {
        state.withLock { state in
            state.sinks[sink, default: SinkCounters()].failedAttempts += 1
            state.sinks[sink, default: SinkCounters()].lastError = error
        }
    }

    public func recordDeadLetters(sink: String, count: Int, error: String) {
        state.withLock { state in
            state.sinks[sink, default: SinkCounters()].deadLettered += count
            state.sinks[sink, default: SinkCounters()].lastError = error
        }
    }

    public func recordResend(sink: String, events: Int) {
        state.withLock { $0.sinks[sink, default: SinkCounters()].resent += events }
    }

    public func recordPendingAcks(sink: String, batches: Int) {
        state.withLock { $0.sinks[sink, default: SinkCounters()].pendingAcks = batches }
    }

    public func source(_ name: String) -> SourceCounters {
        state.withLock { $0.sources[name] ?? SourceCounters() }
    }

    public func sink(_ name: String) -> SinkCounters {
        state.withLock { $0.sinks[name] ?? SinkCounters() }
    }
}
