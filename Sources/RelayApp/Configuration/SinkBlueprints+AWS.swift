import RelayAWS
import RelayCore

extension S3SinkConfiguration: SinkBlueprint {
    public func makeSink(_ context: BuildContext) throws -> any Sink {
        S3ArchiveSink(configuration: self, transport: context.transport, clock: context.clock, logger: context.logger)
    }
}
