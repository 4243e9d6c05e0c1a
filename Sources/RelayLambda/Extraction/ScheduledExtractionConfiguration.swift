import RelayCore

/// Configuration of the scheduled-extraction handler (`lambda.scheduled_extraction`).
public struct ScheduledExtractionConfiguration: Sendable {
    /// Time left free before the invocation's deadline: delivery stops this long before it, so the
    /// checkpoint write and the answer still happen in time. Default 10 s.
    public var safetyMargin: Duration
    /// Time kept for delivery: the pull stops this long before delivery must stop (the pages
    /// committed by then are delivered; the rest is read by the next invocation). Default 30 s.
    public var deliveryReserve: Duration
    /// With state in S3: how long delivered `event_id`s are remembered, by the event's own time, so
    /// a later cycle's look-back overlap is not delivered again. Default 1 day.
    public var ledgerRetention: Duration
    /// How the sink workers lease and wait. Default: the daemon's.
    public var worker: SinkWorker.Configuration

    /// A configuration; each parameter defaults as its property documents.
    public init(
        safetyMargin: Duration = .seconds(10), deliveryReserve: Duration = .seconds(30),
        ledgerRetention: Duration = .seconds(86_400), worker: SinkWorker.Configuration = SinkWorker.Configuration()
    ) {
        self.safetyMargin = safetyMargin
        self.deliveryReserve = deliveryReserve
        self.ledgerRetention = ledgerRetention
        self.worker = worker
    }
}

/// The pieces one extraction runs: built from the configuration against the invocation's store.
public struct ExtractionPipeline: Sendable {
    public var sources: [any PullSource]
    public var sinks: [any Sink]
    public var router: EventRouter
    public var redactor: Redactor?

    public init(sources: [any PullSource], sinks: [any Sink], router: EventRouter, redactor: Redactor? = nil) {
        self.sources = sources
        self.sinks = sinks
        self.router = router
        self.redactor = redactor
    }
}

/// Where the state that outlives an invocation lives.
public enum ExtractionState: Sendable {
    /// A durable state store shared by every invocation (PostgreSQL, or SQLite on a mounted file
    /// system): a page's events enter the outboxes in the transaction that moves its checkpoint,
    /// and what an invocation could not deliver waits there for the next one, so nothing is lost.
    /// The function gives the store each invocation runs (``StateStore/whileRunning(_:)``) for its
    /// duration: a fresh PostgreSQL pool per invocation, whose connections a frozen Lambda
    /// environment would have lost anyway; the same SQLite store every time.
    case store(@Sendable () -> any StateStore)
    /// One object per source (``S3SourceStateStore``), written conditionally after delivery: the
    /// checkpoint moves only past pages whose events were all delivered, and of two overlapping
    /// invocations only one can move it.
    case perSource(any SourceStateStorage)
}

/// Where each source's ``SourceState`` is kept between invocations, with optimistic concurrency.
public protocol SourceStateStorage: Sendable {
    /// The source's state and its version (an empty state with no version when none is stored).
    func load(source: String) async throws(RelayError) -> VersionedSourceState
    /// Stores `state` only if the stored version is still `version`'s; throws `state.conflict` when
    /// another writer changed it.
    func save(source: String, state: SourceState, over version: VersionedSourceState, now: Timestamp)
        async throws(RelayError) -> VersionedSourceState
}

/// A source's state as read, with the version it was read at.
public struct VersionedSourceState: Sendable, Equatable {
    public var state: SourceState
    /// The stored version (S3: the ETag); `nil` when nothing is stored yet.
    public var etag: String?

    public init(state: SourceState, etag: String?) {
        self.state = state
        self.etag = etag
    }
}
