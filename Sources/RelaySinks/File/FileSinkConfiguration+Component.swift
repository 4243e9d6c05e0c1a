import RelayConfig
import RelayCore

/// The `type: file` component: its keys, reading and construction.
extension FileSinkConfiguration: SinkComponent {
    public static let typeName = "file"

    static let keys: Set<String> = [
        "type", "path", "max_bytes", "max_age_secs", "compress_rotated", "file_mode", "batch", "retry",
    ]

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
            fileMode: readFileMode(node.optional("file_mode")) ?? defaults.fileMode,
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch, allowsAdaptive: false),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
        return path == nil ? nil : configuration
    }

    /// `file_mode: "0640"`: three or four octal digits, at most 0777 (no set-id or sticky bits).
    static func readFileMode(_ node: ConfigNode?) -> UInt16? {
        guard let node, let text = node.stringValue() else { return nil }
        let digits = text.count == 4 && text.hasPrefix("0") ? String(text.dropFirst()) : text
        guard digits.count == 3, let mode = UInt16(digits, radix: 8) else {
            node.problem("expected an octal file mode such as \"0600\" or \"0640\", found \"\(node.writtenText)\"")
            return nil
        }
        if mode & 0o002 != 0 { node.problem("must not make the file world-writable") }
        return mode
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        let sink = FileSink(configuration: self, clock: context.clock, logger: context.logger)
        try sink.createDirectory()
        return sink
    }
}
