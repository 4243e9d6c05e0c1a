import RelayConfig
import RelayCore

/// The `type: stdout` component: its keys, reading and construction.
extension StdoutSinkConfiguration: SinkComponent {
    public static let typeName = "stdout"

    static let keys: Set<String> = ["type", "batch", "retry"]

    public static func read(name: String, _ node: ConfigNode) -> StdoutSinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let defaults = StdoutSinkConfiguration(name: name)
        return StdoutSinkConfiguration(
            name: name,
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: defaults.batch, allowsAdaptive: false),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        StdoutSink(configuration: self)
    }
}
