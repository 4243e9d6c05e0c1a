/// What happened to a batch a sink tried to deliver.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The destination acknowledged every event; the rows may leave the outbox.
    case delivered
    /// A failure worth retrying (5xx, 408, 429, transport); `retryAfter` when the destination said.
    case retriable(reason: String, retryAfter: Duration?)
    /// A permanent failure for this batch (the destination's words in `reason`); retrying cannot help.
    case rejected(reason: String)
    /// The destination refused the sink's credential. The batch is not at fault: it is retried
    /// without using up attempts, and intake that feeds only this sink halts until it works again.
    case credentialRejected(reason: String)
    /// Different fates for different events of the batch (poisoned events isolated, events routed
    /// to a fallback sink).
    case partial(PartialDelivery)
}

/// Per-event fates of one batch. Every entry of the batch appears in exactly one list.
public struct PartialDelivery: Sendable, Equatable {
    /// Acknowledged by the destination.
    public var delivered: [Int64]
    /// Refused for good, each with the destination's reason: dead-lettered.
    public var rejected: [Int64: String]
    /// To be sent by another sink instead (e.g. Datadog's fallback for events older than 18 h).
    public var rerouted: [Int64: String]
    /// Still to be sent by this sink, with the reason they failed this time.
    public var retriable: [Int64]
    public var retryReason: String
    public var retryAfter: Duration?

    public init(
        delivered: [Int64] = [],
        rejected: [Int64: String] = [:],
        rerouted: [Int64: String] = [:],
        retriable: [Int64] = [],
        retryReason: String = "",
        retryAfter: Duration? = nil
    ) {
        self.delivered = delivered
        self.rejected = rejected
        self.rerouted = rerouted
        self.retriable = retriable
        self.retryReason = retryReason
        self.retryAfter = retryAfter
    }
}

/// Whether a destination accepts a sink's credential right now.
public enum CredentialStatus: Sendable, Equatable {
    case valid
    case rejected(reason: String)
    /// The check itself failed (unreachable, busy) or the sink cannot check.
    case unknown(reason: String)
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

    /// Asks the destination whether the credential is accepted, without delivering anything.
    func checkCredential() async -> CredentialStatus
}

extension Sink {
    /// Sinks that cannot check say so.
    public func checkCredential() async -> CredentialStatus {
        .unknown(reason: "\(name) cannot check its credential without delivering")
    }
}
