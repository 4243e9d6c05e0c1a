/// What happened to a batch a sink tried to deliver.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The destination acknowledged every event; the rows may leave the outbox.
    case delivered
    /// A failure worth retrying (5xx, 408, 429, transport); `retryAfter` when the destination said.
    case retriable(reason: String, retryAfter: Duration?)
    /// A permanent failure for this batch (the destination's words in `reason`); retrying cannot help.
    case rejected(reason: String)
}

/// Size limits of the batches a sink worker claims from its outbox.
public struct BatchConfiguration: Sendable, Equatable {
    /// Most events in one batch. Default 500.
    public var maxEvents: Int
    /// Most payload bytes (before the destination's envelope and compression). Default 1 MiB.
    public var maxBytes: Int
    /// Longest a partial batch waits for more events before it is sent. Default 1 s.
    public var timeout: Duration

    public init(maxEvents: Int = 500, maxBytes: Int = 1_048_576, timeout: Duration = .seconds(1)) {
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.timeout = timeout
    }
}

/// A destination. It encodes a batch of outbox rows for its wire format, sends it once, and says
/// what happened; retries, backoff and dead letters belong to the worker that calls it.
public protocol Sink: Sendable {
    /// The configured sink name (unique in a config); also the name of its outbox.
    var name: String { get }
    var batch: BatchConfiguration { get }
    var retry: RetryPolicy { get }

    /// Sends one batch (never empty) and reports its fate.
    func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome
}
