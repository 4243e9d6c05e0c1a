/// What happened to a batch a sink tried to deliver.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The destination acknowledged every event; the rows may leave the outbox.
    case delivered
    /// A failure worth retrying that may be the batch's own (500, 408, an answer that is not the
    /// destination's); `retryAfter` when the destination said. After the sink's attempt limit the
    /// batch moves to dead letters.
    case retriable(reason: String, retryAfter: Duration?)
    /// The destination is not taking data at all (unreachable, busy, throttling: transport errors,
    /// 429, 502, 503, 504). The batch is not at fault: it is retried with backoff for as long as the
    /// outage lasts without using up attempts, while the outbox keeps what arrives meanwhile.
    case unavailable(reason: String, retryAfter: Duration?)
    /// A permanent failure for this batch (the destination's words in `reason`); retrying cannot help.
    case rejected(reason: String)
    /// The destination refused the sink's credential. The batch is not at fault: it is retried
    /// without using up attempts, and intake that feeds only this sink halts until it works again.
    case credentialRejected(reason: String)
    /// Different fates for different events of the batch (events routed to a fallback sink, events
    /// the destination refused one by one).
    case partial(PartialDelivery)
    /// The destination refused the batch because of one event. With `index` (the destination said
    /// which), the destination took every event before it (as Splunk HEC indexes them): those are
    /// delivered (once the destination confirms `acknowledgement`, when it gave one), the one at
    /// `index` is dead-lettered and the ones after it are resent at once. Without, the worker bisects
    /// the batch until the poisoned events are isolated. No attempt is used up.
    case poisoned(index: Int?, reason: String, acknowledgement: AckToken? = nil)
    /// Accepted, but delivered only once the destination confirms `token` (Splunk HEC indexer
    /// acknowledgement); the rows stay in the outbox until then.
    case awaitingAcknowledgement(AckToken)
}

/// A handle on a batch the destination will confirm later. `group` tells the sink where to ask
/// (e.g. which of several HEC endpoints issued the id).
public struct AckToken: Sendable, Hashable, CustomStringConvertible {
    public let group: Int
    public let id: Int64

    public init(group: Int, id: Int64) {
        self.group = group
        self.id = id
    }

    public var description: String { "\(group)/\(id)" }
}

/// The answer to an acknowledgement poll.
public enum AckConfirmation: Sendable, Equatable {
    /// These tokens are confirmed (the others are still pending).
    case confirmed(Set<AckToken>)
    /// The destination does not do acknowledgement for this credential: a batch it accepted counts
    /// as delivered.
    case acknowledgementDisabled
    /// The poll itself failed; every token stays pending.
    case failed(reason: String)
}

/// How a worker tracks batches awaiting acknowledgement.
public struct AcknowledgementConfiguration: Sendable, Equatable {
    /// Time between two acknowledgement polls. Default 10 s.
    public var pollInterval: Duration
    /// How long a batch may wait for its acknowledgement before it is resent. Default 300 s.
    public var timeout: Duration
    /// Most events awaiting acknowledgement at once per worker; beyond it the worker stops sending
    /// (backpressure). Default 3,000,000 (about 60 s of a tenant sending 50,000 events/s).
    public var maxPendingEvents: Int
    /// Most batches awaiting acknowledgement at once per worker, when set (`max_pending_acks`, for a
    /// destination that limits its pending acknowledgements per channel). Default: no limit.
    public var maxPendingBatches: Int?

    public init(
        pollInterval: Duration = .seconds(10), timeout: Duration = .seconds(300), maxPendingEvents: Int = 3_000_000,
        maxPendingBatches: Int? = nil
    ) {
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.maxPendingEvents = maxPendingEvents
        self.maxPendingBatches = maxPendingBatches
    }

    /// True when `tracker` holds as much as this configuration allows: the worker stops sending.
    public func isFull(_ tracker: AckTracker) -> Bool {
        tracker.isFull(maxEvents: maxPendingEvents) || maxPendingBatches.map { tracker.count >= $0 } == true
    }
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
    /// The retriable entries failed because the destination is unavailable (transport errors, 429,
    /// 502–504), as ``DeliveryOutcome/unavailable(reason:retryAfter:)`` says of a whole batch: they
    /// are retried for as long as the outage lasts without using up an attempt. Default `false`.
    public var retryIsOutage: Bool

    public init(
        delivered: [Int64] = [],
        rejected: [Int64: String] = [:],
        rerouted: [Int64: String] = [:],
        retriable: [Int64] = [],
        retryReason: String = "",
        retryAfter: Duration? = nil,
        retryIsOutage: Bool = false
    ) {
        self.delivered = delivered
        self.rejected = rejected
        self.rerouted = rerouted
        self.retriable = retriable
        self.retryReason = retryReason
        self.retryAfter = retryAfter
        self.retryIsOutage = retryIsOutage
    }

    /// Records why the retriable entries failed: the reason and `Retry-After` of a `.retriable` or
    /// `.unavailable` answer, and whether it was an outage. Other outcomes change nothing.
    public mutating func noteRetry(_ outcome: DeliveryOutcome) {
        guard let (reason, retryAfter) = outcome.retryDetails else { return }
        retryReason = reason
        self.retryAfter = retryAfter
        retryIsOutage = outcome.isOutage
    }

    /// The outcome for a batch none of whose entries went through: `.unavailable` after an outage,
    /// else `.retriable`, with the recorded reason and `Retry-After`.
    public var wholeBatchRetry: DeliveryOutcome {
        retryIsOutage
            ? .unavailable(reason: retryReason, retryAfter: retryAfter)
            : .retriable(reason: retryReason, retryAfter: retryAfter)
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
    /// Requests in flight at once when pinned (see ``isAdaptive``): the number of workers claiming
    /// from this sink's outbox, each with its own batch, retries and pending acknowledgements. 1 for
    /// local files and standard output, which keep their order. When adaptive it is 1, the
    /// starting limit.
    public var concurrency: Int
    /// Whether the number of requests in flight adapts to the destination (``AdaptiveConcurrency``)
    /// between 1 and ``maxConcurrency``, rather than being pinned at ``concurrency``. Default: true
    /// unless a fixed `concurrency` is given.
    public var isAdaptive: Bool
    /// Most requests in flight when adaptive. Default 32.
    public var maxConcurrency: Int

    /// - Parameter concurrency: a fixed number of requests in flight; `nil` (the default) makes it
    ///   adaptive up to `maxConcurrency`.
    public init(
        maxEvents: Int = 500, maxBytes: Int = 1_048_576, timeout: Duration = .seconds(1), concurrency: Int? = nil,
        maxConcurrency: Int = 32
    ) {
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.concurrency = concurrency ?? 1
        self.isAdaptive = concurrency == nil
        self.maxConcurrency = maxConcurrency
    }

    /// The number of workers a sink runs: ``concurrency`` when pinned; when adaptive, one more than
    /// ``maxConcurrency``, the one that prepares the next request while the others are in flight.
    public var workers: Int { max(1, isAdaptive ? maxConcurrency + 1 : concurrency) }
}

/// A batch of outbox rows with the request body its sink made of them ahead of sending
/// (``Sink/prepare(_:)``), so encoding and compression are off the request's critical path.
public struct PreparedBatch: Sendable {
    /// The outbox rows of the batch.
    public let entries: [OutboxEntry]
    /// The request body the sink made of `entries` (encoded, and compressed when the sink
    /// compresses); `nil` when the sink encodes as it sends.
    public let body: [UInt8]?

    /// `entries` with the `body` made of them (`nil`: none made ahead).
    public init(entries: [OutboxEntry], body: [UInt8]? = nil) {
        self.entries = entries
        self.body = body
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

    /// Makes the request body of `entries` before the worker waits for a request permit, so the
    /// next batch is encoded while earlier requests are in flight. Default: nothing made ahead.
    func prepare(_ entries: [OutboxEntry]) -> PreparedBatch

    /// Sends a batch ``prepare(_:)`` made and reports its fate. Default: ``deliver(_:)`` of its entries.
    func send(_ batch: PreparedBatch) async -> DeliveryOutcome

    /// Asks the destination whether the credential is accepted, without delivering anything.
    func checkCredential() async -> CredentialStatus

    /// How acknowledgements are tracked, for sinks that return ``DeliveryOutcome/awaitingAcknowledgement(_:)``.
    var acknowledgement: AcknowledgementConfiguration? { get }

    /// Asks which of `tokens` the destination has confirmed.
    func confirm(_ tokens: [AckToken]) async -> AckConfirmation
}

extension Sink {
    /// Sinks that encode as they send make nothing ahead.
    public func prepare(_ entries: [OutboxEntry]) -> PreparedBatch { PreparedBatch(entries: entries) }

    /// Sinks that encode as they send deliver the entries.
    public func send(_ batch: PreparedBatch) async -> DeliveryOutcome { await deliver(batch.entries) }

    /// Sinks without acknowledgement.
    public var acknowledgement: AcknowledgementConfiguration? { nil }

    /// Sinks without acknowledgement never hand out tokens.
    public func confirm(_ tokens: [AckToken]) async -> AckConfirmation { .acknowledgementDisabled }

    /// Sinks that cannot check say so.
    public func checkCredential() async -> CredentialStatus {
        .unknown(reason: "\(name) cannot check its credential without delivering")
    }
}

extension DeliveryOutcome {
    /// The outcome of an HTTP answer that is a failure worth retrying: `.unavailable` for the
    /// statuses that say the destination as a whole is down or throttling (429, 502, 503, 504),
    /// `.retriable` for the others.
    public static func retry(status: Int, reason: String, retryAfter: Duration?) -> DeliveryOutcome {
        switch status {
        case 429, 502, 503, 504: .unavailable(reason: reason, retryAfter: retryAfter)
        default: .retriable(reason: reason, retryAfter: retryAfter)
        }
    }

    /// Whether the destination is taking data: it answered about the batch itself (delivered,
    /// refused, partly delivered...) rather than being unavailable or refusing the credential. A
    /// sink's workers stop holding back their batches on such an answer.
    public var destinationIsTakingData: Bool {
        switch self {
        case .unavailable, .credentialRejected: false
        default: true
        }
    }

    /// Whether this is ``unavailable(reason:retryAfter:)``: the destination is down or throttling.
    public var isOutage: Bool {
        if case .unavailable = self { return true }
        return false
    }

    /// The reason and the destination's `Retry-After` of a failure that is tried again later
    /// (`.retriable` or `.unavailable`); `nil` for every other outcome.
    public var retryDetails: (reason: String, retryAfter: Duration?)? {
        switch self {
        case .retriable(let reason, let retryAfter), .unavailable(let reason, let retryAfter): (reason, retryAfter)
        default: nil
        }
    }
}
