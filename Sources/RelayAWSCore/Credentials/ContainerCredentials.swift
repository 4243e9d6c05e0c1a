import RelayCore
import RelayHTTP

/// The container credentials endpoint (ECS task roles, EKS Pod Identity) and its authorization.
public struct ContainerCredentialsSettings: Sendable, Equatable {
    /// The ECS agent's address that `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is relative to.
    public static let ecsHost = "http://169.254.170.2"
    /// Plain-HTTP hosts a full URI may name besides loopback: the ECS and EKS Pod Identity agents.
    static let agentHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"]

    /// The endpoint's whole URL.
    public var url: String
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`, sent as `Authorization` (a secret: never logged).
    public var authorizationToken: String?
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read at each fetch (preferred over the token).
    public var authorizationTokenFile: String?

    public init(url: String, authorizationToken: String? = nil, authorizationTokenFile: String? = nil) {
        self.url = url
        self.authorizationToken = authorizationToken
        self.authorizationTokenFile = authorizationTokenFile
    }

    /// Why a `AWS_CONTAINER_CREDENTIALS_FULL_URI` is refused, or `nil`: it must be `https`, or `http`
    /// to a loopback address or the ECS / EKS agent (as the AWS SDKs require).
    static func fullURIProblem(_ url: String) -> String? {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return nil }
        guard lowered.hasPrefix("http://") else { return "is not an http(s) URL" }
        var authority = lowered.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[...close]
        } else {
            host = authority.prefix { $0 != ":" }
        }
        if host == "localhost" || host == "[::1]" || host.hasPrefix("127.") || agentHosts.contains(String(host)) {
            return nil
        }
        return "uses plain http to \(host): only https, loopback or the ECS / EKS agent addresses are allowed"
    }
}

/// Fetches credentials from the container endpoint: `GET` with the authorization token, JSON answer.
struct ContainerCredentials: Sendable {
    static let providerName = "container credentials"
    let settings: ContainerCredentialsSettings
    let transport: HTTPTransport
    let readFile: @Sendable (String) -> String?

    func fetch() async throws(RelayError) -> AWSTemporaryCredentials {
        let name = Self.providerName
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let file = settings.authorizationTokenFile {
            guard let read = readFile(file) else {
                throw .awsCredentials(name, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            headers.append(("Authorization", read.trimmingSuffix(while: { $0 == "\n" || $0 == "\r" })))
        } else if let token = settings.authorizationToken {
            headers.append(("Authorization", token))
        }
        let target = HTTPTransport.redactedTarget(settings.url)
        let response: InboundResponse
        do {
            response = try await transport.send(
                OutboundRequest(method: "GET", url: settings.url, headers: headers, body: nil, timeout: .seconds(5)))
        } catch {
            throw .awsCredentials(name, "\(target) is unreachable: \(error.message)")
        }
        guard response.status == 200 else {
            throw .awsCredentials(name, "\(target) answered HTTP \(response.status)")
        }
        return try AWSCredentialsDocument.parse(response.body, provider: name)
    }
}
