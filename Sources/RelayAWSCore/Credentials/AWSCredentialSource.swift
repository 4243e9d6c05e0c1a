import Logging
import RelayCore
import RelayHTTP

/// Where AWS credentials come from: fixed keys, or one provider of the default chain as the AWS SDKs
/// order it (environment, web identity, container endpoint, EC2 instance metadata; shared config
/// files are not read). A value, read from the environment with the configuration, so it is checked
/// by `validate` and compared like the rest of a configuration; ``provider(transport:clock:logger:readFile:)``
/// makes the provider that signs requests.
public enum AWSCredentialSource: Sendable, Equatable, CustomStringConvertible {
    /// Fixed keys: from the configuration or `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
    /// `AWS_SESSION_TOKEN`.
    case keys(AWSCredentials)
    /// STS `AssumeRoleWithWebIdentity` with a token file (EKS IRSA).
    case webIdentity(WebIdentitySettings)
    /// The ECS / EKS Pod Identity container credentials endpoint.
    case container(ContainerCredentialsSettings)
    /// EC2 instance metadata (IMDSv2) at `endpoint`, e.g. `http://169.254.169.254`.
    case instanceMetadata(endpoint: String)

    /// The provider's name in messages and logs (no secret).
    public var description: String {
        switch self {
        case .keys(let credentials): "access key \(credentials.accessKeyID)"
        case .webIdentity: WebIdentityCredentials.providerName
        case .container: ContainerCredentials.providerName
        case .instanceMetadata: InstanceMetadataCredentials.providerName
        }
    }

    /// The first provider of the default chain whose environment variables are set (the SDKs' order):
    /// 1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`);
    /// 2. `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`); STS at
    ///    `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the region's STS endpoint;
    /// 3. `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on `http://169.254.170.2`) or
    ///    `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
    ///    `AWS_CONTAINER_AUTHORIZATION_TOKEN`;
    /// 4. EC2 instance metadata at `AWS_EC2_METADATA_SERVICE_ENDPOINT` (default
    ///    `http://169.254.169.254`) unless `AWS_EC2_METADATA_DISABLED=true`.
    ///
    /// A provider whose variables are set but incomplete is an error (the chain does not skip it).
    /// Throws `config.invalid` naming the variable, never a value.
    public static func defaultChain(_ environment: (String) -> String?) throws(RelayError) -> AWSCredentialSource {
        func value(_ name: String) -> String? {
            guard let text = environment(name), !text.isEmpty else { return nil }
            return text
        }
        if value("AWS_ACCESS_KEY_ID") != nil || value("AWS_SECRET_ACCESS_KEY") != nil {
            return .keys(try AWSCredentials.fromEnvironment(environment))
        }
        if let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE") {
            guard let roleARN = value("AWS_ROLE_ARN") else {
                throw RelayError(
                    .configInvalid, "AWS credentials: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
            }
            let region = AWSRegion.fromEnvironment(environment)
            let endpoint =
                value("AWS_ENDPOINT_URL_STS") ?? value("AWS_ENDPOINT_URL")
                ?? region.map { "https://sts.\($0).amazonaws.com" } ?? "https://sts.amazonaws.com"
            return .webIdentity(
                WebIdentitySettings(
                    tokenFile: tokenFile, roleARN: roleARN, sessionName: value("AWS_ROLE_SESSION_NAME") ?? "ccrelay",
                    stsEndpoint: endpoint))
        }
        let tokenFile = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        let token = tokenFile == nil ? value("AWS_CONTAINER_AUTHORIZATION_TOKEN") : nil
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            return .container(
                ContainerCredentialsSettings(
                    url: ContainerCredentialsSettings.ecsHost + path, authorizationToken: token,
                    authorizationTokenFile: tokenFile))
        }
        if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            if let problem = ContainerCredentialsSettings.fullURIProblem(full) {
                throw RelayError(.configInvalid, "AWS credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI \(problem)")
            }
            return .container(
                ContainerCredentialsSettings(url: full, authorizationToken: token, authorizationTokenFile: tokenFile))
        }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            throw RelayError(
                .configInvalid,
                "AWS credentials: none found (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE and "
                    + "AWS_CONTAINER_CREDENTIALS_* are not set, and AWS_EC2_METADATA_DISABLED is true)")
        }
        var endpoint = value("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? InstanceMetadataCredentials.defaultEndpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return .instanceMetadata(endpoint: endpoint)
    }

    /// The provider that signs requests: the keys themselves, or a cache that fetches temporary
    /// credentials from the source and refreshes them 5 minutes before they expire.
    /// - Parameters:
    ///   - transport: Carries the STS, container and IMDS requests (redirects refused).
    ///   - clock: Decides expiry; the system clock outside tests.
    ///   - readFile: Reads the web identity and container authorization token files (re-read at each
    ///     refresh: EKS rotates them).
    public func provider(
        transport: HTTPTransport, clock: any WallClock, logger: Logger,
        readFile: @escaping @Sendable (String) -> String?
    ) -> any AWSCredentialProvider {
        let fetch: RefreshingAWSCredentials.Fetch
        switch self {
        case .keys(let credentials):
            return credentials
        case .webIdentity(let settings):
            let source = WebIdentityCredentials(settings: settings, transport: transport, readFile: readFile)
            fetch = { () async throws(RelayError) in try await source.fetch() }
        case .container(let settings):
            let source = ContainerCredentials(settings: settings, transport: transport, readFile: readFile)
            fetch = { () async throws(RelayError) in try await source.fetch() }
        case .instanceMetadata(let endpoint):
            let source = InstanceMetadataCredentials(endpoint: endpoint, transport: transport)
            fetch = { () async throws(RelayError) in try await source.fetch() }
        }
        return RefreshingAWSCredentials(name: description, clock: clock, logger: logger, fetch: fetch)
    }
}
