import RelayAWS
import RelayCore
import RelayGenesys

/// Push sources carry Genesys Cloud events delivered through Amazon EventBridge; both receivers
/// normalize them with ``GenesysEventBridgeNormalizer``.
extension FirehoseReceiverConfiguration: SourceBlueprint {
    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        let normalizer = GenesysEventBridgeNormalizer(keepRaw: keepRaw)
        return .push(FirehoseReceiver(
            configuration: self, normalize: { value throws(RelayError) in try normalizer.normalize(value) },
            clock: context.clock, logger: context.logger))
    }
}

extension APIDestinationReceiverConfiguration: SourceBlueprint {
    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        let normalizer = GenesysEventBridgeNormalizer(keepRaw: keepRaw)
        return .push(APIDestinationReceiver(
            configuration: self, normalize: { value throws(RelayError) in try normalizer.normalize(value) },
            logger: context.logger))
    }
}
