import RelayCore

/// An in-memory ``SourceSender`` for pull-source tests: checkpoints per partition, every commit
/// recorded, duplicates counted by event id.
public actor InMemoryIntake: SourceSender {
    /// One call of ``commit(partition:events:malformed:checkpoint:)``.
    public struct Commit: Sendable {
        public var partition: String
        public var events: [Event]
        public var malformed: [MalformedRecord]
        public var checkpoint: String?
    }

    public private(set) var checkpoints: [String: String] = [:]
    public private(set) var commits: [Commit] = []
    public private(set) var eventsByID: [String: Event] = [:]
    public private(set) var malformed: [MalformedRecord] = []
    /// Events committed again under an event id already held.
    public private(set) var duplicates = 0

    /// Called after each commit with the number of commits so far (to inject faults mid-cycle).
    private let onCommit: (@Sendable (Int) -> Void)?

    /// An intake starting from `checkpoints`; `onCommit` runs after every commit.
    public init(checkpoints: [String: String] = [:], onCommit: (@Sendable (Int) -> Void)? = nil) {
        self.checkpoints = checkpoints
        self.onCommit = onCommit
    }

    /// The distinct events held, in no particular order.
    public var events: [Event] { Array(eventsByID.values) }

    /// The distinct event ids held.
    public var eventIDs: Set<String> { Set(eventsByID.keys) }

    public func checkpoint(partition: String) async throws -> String? {
        checkpoints[partition]
    }

    @discardableResult
    public func commit(partition: String, events: [Event], malformed: [MalformedRecord], checkpoint: String?)
        async throws
        -> AppendResult
    {
        commits.append(Commit(partition: partition, events: events, malformed: malformed, checkpoint: checkpoint))
        if let checkpoint { checkpoints[partition] = checkpoint }
        var result = AppendResult(deadLettered: malformed.count)
        for event in events {
            if eventsByID.updateValue(event, forKey: event.eventID) == nil {
                result.accepted += 1
            } else {
                result.duplicates += 1
                duplicates += 1
            }
        }
        self.malformed += malformed
        onCommit?(commits.count)
        return result
    }
}
