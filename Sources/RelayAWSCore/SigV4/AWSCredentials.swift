import RelayCore

/// An AWS access key pair, optionally with the session token of temporary credentials. Its
/// `description` shows the access key id only: the secret and the token are never printed.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    /// `AKIA…` / `ASIA…`.
    public var accessKeyID: String
    /// The secret access key (a secret: never logged).
    public var secretAccessKey: String
    /// The session token of temporary credentials (STS); sent as `x-amz-security-token`. Default `nil`.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>"))"
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (optional) through
    /// `environment` (a lookup, so tests and configuration interpolation can supply their own).
    /// Throws `config.invalid` naming the missing variable (never a value).
    public static func fromEnvironment(_ environment: (String) -> String?) throws(RelayError) -> AWSCredentials {
        func value(_ name: String) -> String? {
            guard let text = environment(name), !text.isEmpty else { return nil }
            return text
        }
        guard let accessKeyID = value("AWS_ACCESS_KEY_ID") else {
            throw RelayError(.configInvalid, "AWS credentials: AWS_ACCESS_KEY_ID is not set")
        }
        guard let secret = value("AWS_SECRET_ACCESS_KEY") else {
            throw RelayError(.configInvalid, "AWS credentials: AWS_SECRET_ACCESS_KEY is not set")
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"))
    }
}

/// The AWS region the usual environment variables name.
public enum AWSRegion {
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `nil`.
    public static func fromEnvironment(_ environment: (String) -> String?) -> String? {
        for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let value = environment(name), !value.isEmpty { return value }
        }
        return nil
    }

    /// Whether `region` looks like an AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`):
    /// lowercase letters, digits and dashes, starting with a letter.
    public static func isPlausible(_ region: String) -> Bool {
        guard let first = region.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return region.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }
}
