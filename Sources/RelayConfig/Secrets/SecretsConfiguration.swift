/// How secrets are refreshed and where AWS Secrets Manager is (`secrets:`).
public struct SecretsConfiguration: Sendable, Equatable {
    /// How often every `${file:...}` and `${aws-secretsmanager:...}` secret is re-read
    /// (`secrets.refresh_secs`). Default 300 s. A secret is also re-read at once when a remote party
    /// rejects it (at most once a second per secret).
    public var refreshInterval: Duration
    /// AWS Secrets Manager (`secrets.aws`). Default: region from `AWS_REGION` / `AWS_DEFAULT_REGION`
    /// (or the secret's ARN), AWS's own endpoint, credentials from the AWS default chain (environment
    /// keys, web identity, container endpoint, EC2 instance metadata).
    public var aws: AWSSecretsManagerConfiguration

    public init(
        refreshInterval: Duration = .seconds(300),
        aws: AWSSecretsManagerConfiguration = AWSSecretsManagerConfiguration()
    ) {
        self.refreshInterval = refreshInterval
        self.aws = aws
    }
}

/// Where `${aws-secretsmanager:...}` secrets are fetched (`secrets.aws`).
public struct AWSSecretsManagerConfiguration: Sendable, Equatable {
    /// `secrets.aws.region`. Default `nil`: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the region
    /// of a secret named by its ARN, else `us-east-1` when an endpoint is set.
    public var region: String?
    /// `secrets.aws.endpoint`, e.g. a VPC endpoint or moto. Default `nil`:
    /// `https://secretsmanager.{region}.amazonaws.com`.
    public var endpoint: String?
    /// `secrets.aws.request_timeout_secs`. Default 10 s.
    public var requestTimeout: Duration

    public init(region: String? = nil, endpoint: String? = nil, requestTimeout: Duration = .seconds(10)) {
        self.region = region
        self.endpoint = endpoint
        self.requestTimeout = requestTimeout
    }
}
