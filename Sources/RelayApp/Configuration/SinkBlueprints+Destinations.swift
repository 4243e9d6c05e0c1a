import RelayCore
import RelaySinks

extension DatadogLogsSinkConfiguration: SinkBlueprint {
    public var referencedSinks: [(key: String, sink: String)] { fallback.map { [("fallback", $0)] } ?? [] }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        DatadogLogsSink(configuration: self, transport: context.transport, clock: context.clock, logger: context.logger)
    }
}

extension SumoLogicSinkConfiguration: SinkBlueprint {
    public func makeSink(_ context: BuildContext) throws -> any Sink {
        SumoLogicSink(configuration: self, transport: context.transport)
    }
}

extension FileSinkConfiguration: SinkBlueprint {
    public func makeSink(_ context: BuildContext) throws -> any Sink {
        FileSink(configuration: self, clock: context.clock, logger: context.logger)
    }
}

extension StdoutSinkConfiguration: SinkBlueprint {
    public func makeSink(_ context: BuildContext) throws -> any Sink {
        StdoutSink(configuration: self)
    }
}
