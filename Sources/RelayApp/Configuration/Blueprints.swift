import RelayCore
import RelayGenesys
import RelaySinks

extension GenesysAuditSourceConfiguration: SourceBlueprint {
    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        .pull(try GenesysAuditSource(configuration: self, transport: context.transport, clock: context.clock))
    }
}

extension SplunkHECSinkConfiguration: SinkBlueprint {
    public func makeSink(_ context: BuildContext) throws -> any Sink {
        SplunkHECSink(configuration: self, transport: context.transport, store: context.store, clock: context.clock)
    }
}
