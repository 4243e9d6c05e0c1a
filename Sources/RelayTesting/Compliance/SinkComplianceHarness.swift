import RelayCore

/// A destination as the sink compliance suite sees it: a way to build the sink against it, what has
/// arrived there, and how to make it fail.
public struct SinkComplianceDestination: Sendable {
    /// Builds the sink (`store` for sinks that keep state, e.g. the HEC channel).
    public let makeSink: @Sendable (_ store: any StateStore) -> any Sink
    /// `event_id`s the destination holds, in arrival order.
    public let arrived: @Sendable () throws -> [String]
    /// Makes the next delivery fail in a way worth retrying (a 5xx, a 429, a missing directory).
    /// Called before the sink's first delivery.
    public let failRetriably: @Sendable () throws -> Void
    /// Clears a failure that does not clear by itself (called while the worker backs off).
    public let recover: @Sendable () throws -> Void
    /// A sink whose next delivery is refused for good, and words the refusal must carry; `nil` when
    /// the destination has no permanent failure (a file: every I/O error is retriable).
    public let permanentFailure: (@Sendable (_ store: any StateStore) -> (sink: any Sink, words: String))?
    /// A sink whose credential the destination refuses (401/403); `nil` when it takes none.
    public let credentialFailure: (@Sendable (_ store: any StateStore) -> any Sink)?

    public init(
        makeSink: @escaping @Sendable (_ store: any StateStore) -> any Sink,
        arrived: @escaping @Sendable () throws -> [String],
        failRetriably: @escaping @Sendable () throws -> Void,
        recover: @escaping @Sendable () throws -> Void = {},
        permanentFailure: (@Sendable (_ store: any StateStore) -> (sink: any Sink, words: String))?,
        credentialFailure: (@Sendable (_ store: any StateStore) -> any Sink)?
    ) {
        self.makeSink = makeSink
        self.arrived = arrived
        self.failRetriably = failRetriably
        self.recover = recover
        self.permanentFailure = permanentFailure
        self.credentialFailure = credentialFailure
    }
}

/// What a sink's test target provides to run the sink compliance suite: a name and a running
/// destination (an emulator, a fake, a directory) with the sink built against it.
public protocol SinkComplianceHarness: Sendable, CustomStringConvertible {
    /// The sink type's name in test output.
    var name: String { get }
    /// Whether the destination can refuse a batch for good.
    var hasPermanentFailure: Bool { get }
    /// Whether the destination checks a credential the sink sends.
    var hasCredential: Bool { get }
    /// Runs `body` with the destination up, every timer on `clock`.
    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
}

extension SinkComplianceHarness {
    public var description: String { name }
}
