import RelayCore
import RelayHTTP

/// `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME` and the STS endpoint.
public struct WebIdentitySettings: Sendable, Equatable {
    /// The OIDC token's file (EKS mounts and rotates it).
    public var tokenFile: String
    /// The role to assume.
    public var roleARN: String
    /// `AWS_ROLE_SESSION_NAME`. Default `ccrelay`.
    public var sessionName: String
    /// Base URL of STS, e.g. `https://sts.eu-west-1.amazonaws.com` or moto's.
    public var stsEndpoint: String

    public init(tokenFile: String, roleARN: String, sessionName: String = "ccrelay", stsEndpoint: String) {
        self.tokenFile = tokenFile
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.stsEndpoint = stsEndpoint
    }
}

/// Assumes a role with STS `AssumeRoleWithWebIdentity` (query protocol, unsigned `POST`, XML answer),
/// reading the token file at each call.
struct WebIdentityCredentials: Sendable {
    static let providerName = "web identity"
    let settings: WebIdentitySettings
    let transport: HTTPTransport
    let readFile: @Sendable (String) -> String?

    func fetch() async throws(RelayError) -> AWSTemporaryCredentials {
        let name = Self.providerName
        guard let read = readFile(settings.tokenFile) else {
            throw .awsCredentials(name, "cannot read AWS_WEB_IDENTITY_TOKEN_FILE \(settings.tokenFile)")
        }
        let token = read.trimmingSuffix(while: { $0 == "\n" || $0 == "\r" || $0 == " " })
        guard !token.isEmpty else {
            throw .awsCredentials(name, "AWS_WEB_IDENTITY_TOKEN_FILE \(settings.tokenFile) is empty")
        }
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", settings.roleARN),
            ("RoleSessionName", settings.sessionName), ("WebIdentityToken", token),
        ]
        .map { "\($0.0)=\(SigV4Encoding.uriEncode($0.1, encodeSlash: true))" }
        .joined(separator: "&")
        var base = settings.stsEndpoint
        while base.hasSuffix("/") { base.removeLast() }
        let request = OutboundRequest(
            method: "POST", url: base + "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(form.utf8), timeout: .seconds(10))
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .awsCredentials(name, "STS is unreachable: \(error.message)")
        }
        guard response.status == 200 else {
            let described = [
                AWSXML.value(of: "Code", in: response.body), AWSXML.value(of: "Message", in: response.body),
            ]
            .compactMap { $0 }.joined(separator: ": ")
            throw .awsCredentials(
                name,
                "STS AssumeRoleWithWebIdentity for \(settings.roleARN) answered HTTP \(response.status) \(described)")
        }
        guard let keyID = AWSXML.value(of: "AccessKeyId", in: response.body),
            let secret = AWSXML.value(of: "SecretAccessKey", in: response.body),
            let sessionToken = AWSXML.value(of: "SessionToken", in: response.body)
        else {
            throw .awsCredentials(name, "the STS answer has no AccessKeyId, SecretAccessKey or SessionToken")
        }
        return AWSTemporaryCredentials(
            credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: sessionToken),
            expiration: try AWSCredentialsDocument.expirationInstant(
                AWSXML.value(of: "Expiration", in: response.body), provider: name))
    }
}

extension String {
    /// The string without the trailing characters matching `predicate`.
    func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = Substring(self)
        while let last = text.last, predicate(last) { text.removeLast() }
        return String(text)
    }
}
