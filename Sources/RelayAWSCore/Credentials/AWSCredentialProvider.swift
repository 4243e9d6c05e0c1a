import RelayCore

/// Hands out the AWS credentials to sign a request with now. Clients ask before every request, so
/// temporary credentials (web identity, container, EC2 instance role) are replaced before they
/// expire without a restart.
public protocol AWSCredentialProvider: Sendable {
    /// The credentials in force now. Throws `aws.credentials` naming the provider that failed and why
    /// (never a secret).
    func credentials() async throws(RelayError) -> AWSCredentials
}

/// Fixed keys (from the configuration or `AWS_ACCESS_KEY_ID`) are their own provider.
extension AWSCredentials: AWSCredentialProvider {
    /// These keys, always.
    public func credentials() async throws(RelayError) -> AWSCredentials { self }
}

/// Credentials a provider fetched, with the time AWS says they stop working.
public struct AWSTemporaryCredentials: Sendable, Equatable {
    /// The keys and session token.
    public var credentials: AWSCredentials
    /// When they expire; `nil` for credentials without an expiry.
    public var expiration: WallInstant?

    public init(credentials: AWSCredentials, expiration: WallInstant?) {
        self.credentials = credentials
        self.expiration = expiration
    }
}

extension RelayError.Code {
    /// No AWS credentials could be obtained: a provider of the default chain failed.
    public static let awsCredentials = RelayError.Code(rawValue: "aws.credentials")
}

extension RelayError {
    /// An `aws.credentials` error: `provider` names the chain's provider (`web identity`,
    /// `container credentials`, `EC2 instance metadata`), `reason` why it failed (never a secret).
    static func awsCredentials(_ provider: String, _ reason: String) -> RelayError {
        RelayError(.awsCredentials, "AWS credentials from \(provider): \(reason)")
    }
}

/// Reads the JSON credentials document the container endpoint and EC2 instance metadata both serve:
/// `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (ISO 8601).
enum AWSCredentialsDocument {
    static func parse(_ body: [UInt8], provider: String) throws(RelayError) -> AWSTemporaryCredentials {
        guard let document = try? JSONParser.parse(body), document.objectValue != nil else {
            throw .awsCredentials(provider, "the answer is not a JSON object")
        }
        if let code = document["Code"]?.stringValue, code != "Success" {
            throw .awsCredentials(provider, "the answer's Code is \(code)")
        }
        guard let keyID = document["AccessKeyId"]?.stringValue, !keyID.isEmpty,
            let secret = document["SecretAccessKey"]?.stringValue, !secret.isEmpty
        else {
            throw .awsCredentials(provider, "the answer has no AccessKeyId or SecretAccessKey")
        }
        let expiration = try expirationInstant(document["Expiration"]?.stringValue, provider: provider)
        let token = document["Token"]?.stringValue
        return AWSTemporaryCredentials(
            credentials: AWSCredentials(
                accessKeyID: keyID, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil),
            expiration: expiration)
    }

    /// `text` (ISO 8601) as an instant; `nil` stays `nil`.
    static func expirationInstant(_ text: String?, provider: String) throws(RelayError) -> WallInstant? {
        guard let text else { return nil }
        do {
            return WallInstant(try Timestamp.parseISO8601(text))
        } catch {
            throw .awsCredentials(provider, "the Expiration \"\(text)\" is not an ISO 8601 time")
        }
    }
}
