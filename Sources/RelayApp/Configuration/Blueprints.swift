import RelayCore
import RelayGenesys
import RelaySinks

extension GenesysAuditSourceConfiguration: SourceBlueprint {
    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        let throttle = context.throttles.throttle(
            endpoints: endpoints, clientID: clientID, clock: context.clock, logger: context.logger
        )
        return .pull(try GenesysAuditSource(configuration: self, transport: context.transport, clock: context.clock, throttle: throttle))
    }
}

extension SplunkHECSinkConfiguration: SinkBlueprint {
    public func makeSink(_ context: BuildContext) throws -> any Sink {
        SplunkHECSink(configuration: self, transport: context.transport, store: context.store, clock: context.clock)
    }
}
