import RelayCXone
import RelayCore
import RelayHTTP

extension CXoneAuditSourceConfiguration: SourceBlueprint {
    public func makeSource(_ context: BuildContext) throws -> BuiltSource {
        let throttle = context.throttles.throttle(credential: throttleCredential, clock: context.clock, logger: context.logger)
        return .pull(try CXoneAuditSource(configuration: self, transport: context.transport, clock: context.clock, throttle: throttle))
    }
}

extension CXoneAuditSourceConfiguration: CredentialCheckingSource {
    /// Requests a fresh token with the access key (never a cached one).
    public func checkCredential(_ context: BuildContext) async -> CredentialStatus {
        let endpoint = CXoneTokenEndpoint(
            authBaseURL: discoveryURL, accessKeyID: accessKeyID, accessKeySecret: accessKeySecret, clientID: clientID,
            clientSecret: clientSecret, transport: context.transport
        )
        do {
            _ = try await endpoint.fetch()
            return .valid
        } catch where error.code == .authentication {
            return .rejected(reason: error.message)
        } catch {
            return .unknown(reason: error.message)
        }
    }
}
