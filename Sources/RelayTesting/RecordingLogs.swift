import Logging
import Synchronization

/// Every line a logger writes, level, message and metadata as text: for tests that count warnings
/// or check that no secret reaches a log.
public final class RecordingLogs: Sendable {
    private let lines = Mutex<[(level: Logger.Level, text: String)]>([])

    public init() {}

    /// Every line as `level message [metadata]`.
    public var all: [String] { lines.withLock { $0.map { "\($0.level) \($0.text)" } } }

    /// The lines logged at warning, as `message [metadata]`.
    public var warnings: [String] { lines.withLock { $0.filter { $0.level == .warning }.map(\.text) } }

    /// A logger that records here, at every level.
    public var logger: Logger {
        Logger(label: "ccrelay.tests") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: RecordingLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = "\(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
            sink.lines.withLock { $0.append((event.level, text)) }
        }
    }
}
