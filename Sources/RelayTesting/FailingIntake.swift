import RelayCore

/// An ``SourceSender`` over another that refuses one commit (a full disk, a lost database): commit
/// number `failing` (counted from 1) throws and changes nothing; every other commit passes through.
public actor FailingIntake: SourceSender {
    /// The error the refused commit throws.
    public struct InjectedFailure: Error, CustomStringConvertible {
        public let commit: Int
        public var description: String { "commit \(commit) refused by the test" }
    }

    private let base: any SourceSender
    private let failing: Int
    private var commits = 0

    public init(over base: any SourceSender, failingCommit failing: Int) {
        self.base = base
        self.failing = failing
    }

    public func checkpoint(partition: String) async throws -> String? {
        try await base.checkpoint(partition: partition)
    }

    @discardableResult
    public func commit(partition: String, events: [Event], malformed: [MalformedRecord], checkpoint: String?)
        async throws
        -> AppendResult
    {
        commits += 1
        if commits == failing { throw InjectedFailure(commit: commits) }
        return try await base.commit(partition: partition, events: events, malformed: malformed, checkpoint: checkpoint)
    }
}
