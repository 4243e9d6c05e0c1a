import RelayCore
import RelayHTTP

/// The Entra ID client-credentials grant: `POST {authority_host}/{tenant}/oauth2/v2.0/token` with the
/// form `grant_type=client_credentials`, `client_id`, `client_secret`, `scope`.
///
/// A rejection (400 or 401, Entra's `invalid_client`, `unauthorized_client`, an unknown tenant)
/// re-reads the client secret once and asks again when it changed. Errors name the tenant, the
/// client id and Entra's `error` code, never the secret.
struct SentinelTokenEndpoint: Sendable {
    private let configuration: SentinelSinkConfiguration
    private let transport: HTTPTransport

    init(configuration: SentinelSinkConfiguration, transport: HTTPTransport) {
        self.configuration = configuration
        self.transport = transport
    }

    /// Requests a new token.
    func fetch() async throws(RelayError) -> AccessToken {
        let secret = configuration.clientSecret
        let used = secret.value
        do {
            return try await fetch(clientSecret: used)
        } catch  where error.code == .authentication {
            guard await secret.reread(afterRejecting: used) else {
                throw RelayError(.authentication, secret.rejectionNote(error.message))
            }
            do {
                return try await fetch(clientSecret: secret.value)
            } catch  where error.code == .authentication {
                throw RelayError(.authentication, secret.rejectionNote(error.message))
            }
        }
    }

    private func fetch(clientSecret: String) async throws(RelayError) -> AccessToken {
        let form = [
            ("grant_type", "client_credentials"), ("client_id", configuration.clientID),
            ("client_secret", clientSecret), ("scope", configuration.scope),
        ].map { SentinelSinkConfiguration.pathSegment($0.0) + "=" + SentinelSinkConfiguration.pathSegment($0.1) }
        let request = OutboundRequest(
            method: "POST", url: configuration.tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(form.joined(separator: "&").utf8), timeout: configuration.requestTimeout)
        let response = try await transport.send(request)
        let parsed = try? JSONParser.parse(response.body)
        let client = "client \(configuration.clientID) of tenant \(configuration.tenantID)"
        switch response.status {
        case 200..<300:
            break
        case 400, 401:
            let code = parsed?["error"]?.stringValue.map { " (\($0))" } ?? ""
            throw RelayError(.authentication, "Entra ID rejected \(client) with status \(response.status)\(code)")
        case 429, 500...599:
            throw RelayError(
                .httpStatus, "Entra ID token endpoint answered status \(response.status) for \(client)",
                retryAfter: response.retryAfter)
        default:
            throw RelayError(.httpStatus, "Entra ID token endpoint answered status \(response.status) for \(client)")
        }
        guard let token = parsed?["access_token"]?.stringValue, !token.isEmpty else {
            throw RelayError(.malformedResponse, "Entra ID token response for \(client) has no access_token")
        }
        let seconds = parsed?["expires_in"]?.int64Value ?? parsed?["expires_in"]?.stringValue.flatMap { Int64($0) }
        return AccessToken(authorization: "Bearer \(token)", expiresIn: .seconds(max(seconds ?? 3599, 0)))
    }
}
