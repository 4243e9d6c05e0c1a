import RelayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each batch to standard output as NDJSON, the normalized events one per line, in one
/// write per batch so lines from other writers do not interleave within it. A failed write (a
/// closed pipe) is retriable.
public struct StdoutSink: Sink {
    /// Where lines go: a function that writes all bytes or throws.
    public typealias Output = @Sendable ([UInt8]) throws(RelayError) -> Void

    /// The configuration the sink was built with.
    public let configuration: StdoutSinkConfiguration
    private let output: Output

    /// - Parameter output: defaults to file descriptor 1; tests pass a collector.
    public init(configuration: StdoutSinkConfiguration, output: Output? = nil) {
        self.configuration = configuration
        self.output = output ?? StdoutSink.standardOutput
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
            try output(body)
            return .delivered
        } catch {
            return .retriable(reason: error.message, retryAfter: nil)
        }
    }

    /// Writes to file descriptor 1, retrying short writes.
    public static let standardOutput: Output = { (bytes: [UInt8]) throws(RelayError) in
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(1, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw RelayError(.fileIO, "cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
