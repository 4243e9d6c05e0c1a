import RelayCore

/// Configuration of a stdout sink (`type: stdout`), for watching what a route delivers.
public struct StdoutSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// Default 500 events, 1 MiB, 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy

    /// A configuration; each parameter defaults as its property documents.
    public init(
        name: String, batch: BatchConfiguration = BatchConfiguration(concurrency: 1), retry: RetryPolicy = RetryPolicy()
    ) {
        self.name = name
        self.batch = batch
        self.retry = retry
    }
}
