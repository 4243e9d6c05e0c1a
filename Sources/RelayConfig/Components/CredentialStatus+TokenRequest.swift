import RelayCore
import RelayHTTP

extension CredentialStatus {
    /// What a fresh token request says of a pull source's credential (`ccrelay check`): valid when
    /// it succeeds, rejected on an authentication error, unknown on anything else (the platform
    /// could not tell).
    public static func ofTokenRequest(_ request: () async throws(RelayError) -> AccessToken) async -> CredentialStatus {
        do {
            _ = try await request()
            return .valid
        } catch  where error.code == .authentication {
            return .rejected(reason: error.message)
        } catch {
            return .unknown(reason: error.message)
        }
    }
}
