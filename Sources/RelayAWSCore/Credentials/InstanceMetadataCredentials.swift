import RelayCore
import RelayHTTP

/// Fetches the instance role's credentials from EC2 instance metadata with IMDSv2: a session token
/// from `PUT /latest/api/token`, then the role name and its credentials, each `GET` carrying the token.
struct InstanceMetadataCredentials: Sendable {
    static let providerName = "EC2 instance metadata"
    static let defaultEndpoint = "http://169.254.169.254"
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"
    /// The session token's lifetime asked for: 6 hours, the most IMDS grants.
    static let tokenTTLSeconds = 21_600

    /// Base URL without a trailing `/`.
    let endpoint: String
    let transport: HTTPTransport

    func fetch() async throws(RelayError) -> AWSTemporaryCredentials {
        let tokenResponse = try await send(
            "PUT", "/latest/api/token", [("X-aws-ec2-metadata-token-ttl-seconds", String(Self.tokenTTLSeconds))])
        let token = String(decoding: tokenResponse.body, as: UTF8.self)
        let roles = try await send("GET", Self.credentialsPath, [("X-aws-ec2-metadata-token", token)])
        guard
            let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map({
                $0.trimmingSuffix(while: { $0 == " " })
            }), !role.isEmpty
        else {
            throw .awsCredentials(Self.providerName, "the instance has no IAM role attached")
        }
        let answer = try await send(
            "GET", Self.credentialsPath + SigV4Encoding.uriEncode(role, encodeSlash: true),
            [("X-aws-ec2-metadata-token", token)])
        return try AWSCredentialsDocument.parse(answer.body, provider: Self.providerName)
    }

    /// One request; anything but 200 is an error naming the path (the token is never shown).
    private func send(
        _ method: String, _ path: String, _ headers: [(name: String, value: String)]
    ) async throws(RelayError) -> InboundResponse {
        let response: InboundResponse
        do {
            response = try await transport.send(
                OutboundRequest(method: method, url: endpoint + path, headers: headers, body: nil, timeout: .seconds(5))
            )
        } catch {
            throw .awsCredentials(Self.providerName, "\(method) \(path) failed: \(error.message)")
        }
        guard response.status == 200 else {
            throw .awsCredentials(Self.providerName, "\(method) \(path) answered HTTP \(response.status)")
        }
        return response
    }
}
