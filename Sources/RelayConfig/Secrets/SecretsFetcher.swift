import RelayAWSCore
import RelayCore
import RelayHTTP

/// One read of a secret: its value and what identifies the version read.
struct SecretReading: Sendable {
    var value: String
    /// Secrets Manager's `VersionId`.
    var version: String?
    /// A file's modification time.
    var modified: Timestamp?
}

/// Reads one reference now: the environment, a file, or AWS Secrets Manager (signed with SigV4).
/// Failures name the reference, never a value.
struct SecretsFetcher: Sendable {
    var interpolation: Interpolation
    var settings: AWSSecretsManagerConfiguration
    /// `nil` when the environment had none (reported when the file was loaded).
    var awsCredentials: (any AWSCredentialProvider)?
    var defaultRegion: String?
    var transport: HTTPTransport
    /// Times signatures: AWS refuses a skewed clock, so this is the system clock outside tests.
    var signingClock: any WallClock

    func read(_ reference: SecretReference) async -> Result<SecretReading, Interpolation.Failure> {
        switch reference.kind {
        case .environment, .file:
            let value: String
            switch interpolation.read(reference) {
            case .success(let read): value = read
            case .failure(let failure): return .failure(failure)
            }
            guard !value.isEmpty else { return .failure(.init(message: "\(reference) is empty")) }
            var modified: Timestamp?
            if case .file(let path) = reference.kind { modified = interpolation.fileModified(path) }
            return .success(SecretReading(value: value, modified: modified))
        case .awsSecretsManager(let secretID, let key):
            return await readSecretsManager(reference, secretID: secretID, key: key)
        }
    }

    /// The region of a secret: its ARN's, else the configured or environment one.
    static func region(of secretID: String, default region: String?) -> String? {
        let fields = secretID.split(separator: ":", omittingEmptySubsequences: false)
        if fields.count >= 7, fields[0] == "arn", fields[2] == "secretsmanager", !fields[3].isEmpty {
            return String(fields[3])
        }
        return region
    }

    private func readSecretsManager(
        _ reference: SecretReference, secretID: String, key: String?
    ) async -> Result<SecretReading, Interpolation.Failure> {
        guard let awsCredentials else {
            return .failure(
                .init(message: "\(reference): no AWS credentials (the AWS default credential chain found none)"))
        }
        guard let region = Self.region(of: secretID, default: settings.region ?? defaultRegion) else {
            return .failure(.init(message: "\(reference): no AWS region (set secrets.aws.region or AWS_REGION)"))
        }
        let client = SecretsManagerClient(
            region: region, endpoint: settings.endpoint, credentials: awsCredentials, transport: transport,
            clock: signingClock, requestTimeout: settings.requestTimeout)
        let secret: SecretsManagerSecret
        do {
            secret = try await client.getSecretValue(secretID)
        } catch {
            return .failure(.init(message: "\(reference): \(error.message)"))
        }
        guard let text = secret.secretString else {
            return .failure(
                .init(
                    message:
                        "\(reference): version \(secret.versionID) has no SecretString (binary secrets are not supported)"
                ))
        }
        var value = text
        if let key {
            guard let object = (try? JSONParser.parse(Array(text.utf8)))?.objectValue else {
                return .failure(
                    .init(
                        message:
                            "\(reference): version \(secret.versionID) is not a JSON object, so it has no key \(key)"))
            }
            switch object[key] {
            case .string(let string)?: value = string
            case .number(let number)?: value = number.description
            case nil: return .failure(.init(message: "\(reference): version \(secret.versionID) has no key \(key)"))
            default:
                return .failure(
                    .init(message: "\(reference): key \(key) of version \(secret.versionID) is not a string"))
            }
        }
        guard !value.isEmpty else {
            return .failure(.init(message: "\(reference): version \(secret.versionID) is empty"))
        }
        return .success(SecretReading(value: value, version: secret.versionID))
    }
}
