import RelayCore
import RelayHTTP

/// One version of a secret as AWS Secrets Manager returned it.
public struct SecretsManagerSecret: Sendable, Equatable, CustomStringConvertible {
    /// The secret's ARN.
    public var arn: String
    /// The secret's friendly name.
    public var name: String
    /// The version id (a UUID), changed by every rotation.
    public var versionID: String
    /// `SecretString` (a secret: never logged); `nil` for a binary secret.
    public var secretString: String?

    public init(arn: String, name: String, versionID: String, secretString: String?) {
        self.arn = arn
        self.name = name
        self.versionID = versionID
        self.secretString = secretString
    }

    public var description: String { "SecretsManagerSecret(name: \(name), versionID: \(versionID), value: <redacted>)" }
}

/// Calls AWS Secrets Manager (JSON 1.1 protocol: `POST /` with `X-Amz-Target: secretsmanager.<Action>`,
/// `Content-Type: application/x-amz-json-1.1`), signed with SigV4 for service `secretsmanager` with
/// the provider's current credentials.
/// Errors carry AWS's `__type` and message, never a secret value.
public struct SecretsManagerClient: Sendable {
    /// The endpoint requests go to, e.g. `https://secretsmanager.eu-west-1.amazonaws.com`.
    public let endpoint: String
    private let region: String
    private let credentials: any AWSCredentialProvider
    private let transport: HTTPTransport
    private let clock: any WallClock
    private let requestTimeout: Duration

    /// - Parameters:
    ///   - endpoint: `nil` uses `https://secretsmanager.{region}.amazonaws.com`.
    ///   - clock: Times the signatures; AWS refuses a skewed clock, so production passes the system clock.
    ///   - requestTimeout: Default 10 s.
    public init(
        region: String, endpoint: String?, credentials: any AWSCredentialProvider, transport: HTTPTransport,
        clock: any WallClock,
        requestTimeout: Duration = .seconds(10)
    ) {
        var base = endpoint ?? "https://secretsmanager.\(region).amazonaws.com"
        while base.hasSuffix("/") { base.removeLast() }
        self.endpoint = base
        self.region = region
        self.credentials = credentials
        self.transport = transport
        self.clock = clock
        self.requestTimeout = requestTimeout
    }

    /// The current version (`AWSCURRENT`) of `secretID` (a name or an ARN). Throws `auth.rejected`
    /// when AWS refuses the credentials or access, `config.invalid` when the secret does not exist
    /// or has no string value, `http.status` / `http.transport` otherwise.
    public func getSecretValue(_ secretID: String) async throws(RelayError) -> SecretsManagerSecret {
        let answer = try await call("GetSecretValue", ["SecretId": .string(secretID)], naming: secretID)
        guard let versionID = answer["VersionId"]?.stringValue else {
            throw RelayError(
                .malformedResponse, "Secrets Manager GetSecretValue \(secretID): the answer has no VersionId")
        }
        return SecretsManagerSecret(
            arn: answer["ARN"]?.stringValue ?? secretID, name: answer["Name"]?.stringValue ?? secretID,
            versionID: versionID, secretString: answer["SecretString"]?.stringValue)
    }

    /// Calls `action` with a JSON object `body` and returns AWS's JSON answer. `naming` identifies the
    /// secret in error messages.
    public func call(_ action: String, _ body: JSONValue, naming: String) async throws(RelayError) -> JSONValue {
        var request = OutboundRequest(
            method: "POST", url: endpoint + "/",
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "secretsmanager.\(action)"),
                ("Accept", "application/json"),
            ],
            body: JSONWriter.encode(body), timeout: requestTimeout)
        let signer = SigV4Signer(
            credentials: try await credentials.credentials(), region: region, service: "secretsmanager")
        try signer.sign(&request, now: clock.now)
        let response = try await transport.send(request)
        let parsed = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else {
            throw Self.failure(
                action: action, secret: naming, status: response.status, answer: parsed, response: response)
        }
        guard let parsed, parsed.objectValue != nil else {
            throw RelayError(.malformedResponse, "Secrets Manager \(action) \(naming): the answer is not a JSON object")
        }
        return parsed
    }

    /// AWS's error types that say the caller's credentials or permissions are refused.
    public static let credentialErrors: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch", "AccessDeniedException",
        "ExpiredTokenException", "IncompleteSignature", "InvalidClientTokenId", "MissingAuthenticationToken",
    ]

    static func failure(
        action: String, secret: String, status: Int, answer: JSONValue?, response: InboundResponse
    ) -> RelayError {
        // `__type` may be prefixed with a namespace: `com.amazonaws...#ResourceNotFoundException`.
        // Some front ends (and moto) answer a refused signature with the query protocol's XML error.
        let type =
            answer?["__type"]?.stringValue.map { String($0.split(separator: "#").last ?? "") }
            ?? AWSXML.value(of: "Code", in: response.body)
        let message =
            answer?["message"]?.stringValue ?? answer?["Message"]?.stringValue
            ?? AWSXML.value(of: "Message", in: response.body)
        let described = [type, message].compactMap { $0 }.joined(separator: ": ")
        let text =
            "Secrets Manager \(action) \(secret): HTTP \(status) \(described.isEmpty ? response.bodySnippet() : described)"
        switch type {
        case let type? where credentialErrors.contains(type):
            return RelayError(.authentication, text)
        case "ResourceNotFoundException"?, "InvalidParameterException"?, "InvalidRequestException"?,
            "DecryptionFailure"?:
            return RelayError(.configInvalid, text)
        default:
            if status == 403 || status == 401 { return RelayError(.authentication, text) }
            if status == 429 || type == "ThrottlingException" {
                return RelayError(.rateLimited, text, retryAfter: response.retryAfter)
            }
            return RelayError(.httpStatus, text, retryAfter: response.retryAfter)
        }
    }
}
