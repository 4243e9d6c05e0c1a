import RelayConfig
import RelayCore

/// The `type: file` component: its keys, reading and construction.
extension FileSinkConfiguration: SinkComponent {
    public static let typeName = "file"

    static let keys: Set<String> = ["type", "path", "max_bytes", "max_age_secs", "compress_rotated", "batch", "retry"]

    public static func read(name: String, _ node: ConfigNode) -> FileSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let path = node.requiredString("path")
        let defaults = FileSinkConfiguration(name: name, path: "")
        // 0 turns rotation by age off.
        let maxAge = node.seconds("max_age_secs", default: defaults.maxAge ?? .zero, range: 0...(366 * 86_400))
        let configuration = FileSinkConfiguration(
            name: name,
            path: path ?? "",
            maxBytes: node.int("max_bytes", default: defaults.maxBytes, range: 1_024...Int(Int64.max)),
            maxAge: maxAge == .zero ? nil : maxAge,
            compressRotated: node.bool("compress_rotated", default: defaults.compressRotated),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
        return path == nil ? nil : configuration
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        FileSink(configuration: self, clock: context.clock, logger: context.logger)
    }
}
