import RelayCore
import RelaySinks

/// Reads a `type: stdout` sink.
enum StdoutConfigReader {
    static let keys: Set<String> = ["type", "batch", "retry"]

    static func read(name: String, _ node: ConfigNode) -> StdoutSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        return StdoutSinkConfiguration(
            name: name,
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: BatchConfiguration(concurrency: 1)),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
    }
}
