import RelayAWSCore
import RelayCore
import RelayHTTP

/// S3's `<Error><Code>…</Code><Message>…</Message></Error>` answer.
public struct S3ErrorBody: Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The error in `body`, when it is S3's error document.
    public static func parse(_ body: [UInt8]) -> S3ErrorBody? {
        guard let code = AWSXML.value(of: "Code", in: body), !code.isEmpty else { return nil }
        return S3ErrorBody(code: code, message: AWSXML.value(of: "Message", in: body) ?? "")
    }

    public var description: String { message.isEmpty ? code : "\(code) (\(message))" }
}

/// The fate of an S3 write given its response.
public enum S3Response {
    /// Codes that say the credential itself is refused (unknown key, wrong secret, expired or
    /// invalid session token) or not allowed to write: the batch is not at fault.
    public static let credentialCodes: Set<String> = [
        "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken", "TokenRefreshRequired",
        "AccessDenied", "InvalidSecurity", "AuthorizationHeaderMalformed",
    ]
    /// Codes worth retrying whatever their status: throttling, S3's own failures, a body damaged
    /// on the way (`BadDigest`, `XAmzContentSHA256Mismatch`), a request that took too long, a
    /// clock the operator can fix (`RequestTimeTooSkewed`).
    public static let retriableCodes: Set<String> = [
        "SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "InternalError", "ServiceUnavailable",
        "RequestTimeout", "BadDigest", "XAmzContentSHA256Mismatch", "RequestTimeTooSkewed", "OperationAborted",
    ]

    /// 200 → delivered; a credential code (or a bare 401/403) → credential rejected; throttling,
    /// 5xx, 408, 429 and the retriable codes → retriable (honouring `Retry-After`); any other answer
    /// → rejected with S3's code and message.
    public static func outcome(for response: InboundResponse) -> DeliveryOutcome {
        let status = response.status
        if (200..<300).contains(status) { return .delivered }
        let error = S3ErrorBody.parse(response.body)
        let described = error.map { "HTTP \(status) \($0)" } ?? "HTTP \(status): \(response.bodySnippet())"
        if let code = error?.code {
            if credentialCodes.contains(code) {
                return .credentialRejected(reason: "S3 refused the credential: \(described)")
            }
            if retriableCodes.contains(code) {
                return .retry(status: status, reason: "S3: \(described)", retryAfter: response.retryAfter)
            }
        }
        if status >= 500 || status == 408 || status == 429 {
            return .retry(status: status, reason: "S3: \(described)", retryAfter: response.retryAfter)
        }
        if error == nil, status == 401 || status == 403 {
            return .credentialRejected(reason: "S3 refused the credential: \(described)")
        }
        return .rejected(reason: "S3: \(described)")
    }
}
