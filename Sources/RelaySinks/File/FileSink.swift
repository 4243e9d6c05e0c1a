import Logging
import RelayCore

/// Appends each batch to a file as NDJSON (the normalized events, one per line), `fsync`s, and
/// only then reports the batch delivered. The file's folder is created (`0700`) when the sink is
/// built and again whenever it is missing. Every I/O failure is an outage, not the batch's fault
/// (a full disk or a permission can be fixed without touching the events): the batch is retried
/// for as long as it lasts without using up attempts. A failed write is cut back so a retried
/// batch does not leave a half line behind.
public struct FileSink: Sink {
    /// The configuration the sink was built with.
    public let configuration: FileSinkConfiguration
    private let file: RotatingFile
    private let clock: any WallClock

    /// - Parameters:
    ///   - clock: times rotation by age.
    ///   - logger: reports a rotated file that could not be compressed.
    public init(configuration: FileSinkConfiguration, clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(configuration.name)"
        self.file = RotatingFile(configuration: configuration, logger: logger)
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        var body: [UInt8] = []
        body.reserveCapacity(entries.reduce(0) { $0 + $1.payload.count + 1 })
        for entry in entries {
            body.append(contentsOf: entry.payload)
            body.append(UInt8(ascii: "\n"))
        }
        do {
            try file.append(body, now: clock.now)
            return .delivered
        } catch {
            return .unavailable(reason: error.message, retryAfter: nil)
        }
    }

    /// Creates the file's folder and any missing parent (`0700`); one that exists keeps its mode.
    /// - Throws: a ``RelayError`` naming the folder that cannot be created.
    public func createDirectory() throws(RelayError) {
        try file.createDirectory()
    }

    /// Closes the file (it is reopened by the next delivery).
    public func close() {
        file.close()
    }
}
