import Crypto
import RelayCore
import RelayHTTP

/// AWS Signature Version 4 for requests sent in the `Authorization` header: canonical request,
/// string to sign, the HMAC-SHA256 signing-key chain (`"AWS4"+secret → date → region → service →
/// "aws4_request"`) and the header itself. Adds `Host`, `x-amz-date`, `x-amz-security-token` (with
/// temporary credentials) and, for S3, `x-amz-content-sha256`. Reusable by any AWS service.
public struct SigV4Signer: Sendable {
    /// Service-specific rules.
    public struct Options: Sendable, Equatable {
        /// Encode the (already encoded) path a second time in the canonical URI. Every service but
        /// S3 does. Default: `service != "s3"`.
        public var encodesPathTwice: Bool
        /// Send the payload hash as `x-amz-content-sha256` (S3 requires it). Default: `service == "s3"`.
        public var sendsContentHash: Bool
        /// Sign the literal `UNSIGNED-PAYLOAD` instead of the body's hash (S3 only). Default false.
        public var unsignedPayload: Bool

        public init(encodesPathTwice: Bool, sendsContentHash: Bool, unsignedPayload: Bool = false) {
            self.encodesPathTwice = encodesPathTwice
            self.sendsContentHash = sendsContentHash
            self.unsignedPayload = unsignedPayload
        }

        /// The rules of `service`.
        public static func forService(_ service: String) -> Options {
            Options(encodesPathTwice: service != "s3", sendsContentHash: service == "s3")
        }
    }

    /// Every intermediate value of one signature (for tests and debugging; holds no secret).
    public struct Signature: Sendable, Equatable {
        public var canonicalRequest: String
        public var stringToSign: String
        /// Lowercase hex.
        public var signature: String
        /// `host;x-amz-date;…`
        public var signedHeaders: String
        /// The `Authorization` header's value.
        public var authorization: String
    }

    /// `SHA-256("")` in hex, the payload hash of a request without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// Headers never signed: proxies and clients may change them on the way.
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "expect", "x-amzn-trace-id", "connection",
    ]

    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    public var options: Options

    /// A signer for `service` (`s3`, `sqs`, `secretsmanager`, …) in `region`; `options` default
    /// to the service's rules.
    public init(credentials: AWSCredentials, region: String, service: String, options: Options? = nil) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options ?? .forService(service)
    }

    /// Adds the SigV4 headers and `Authorization` to `request`, signing every header it carries
    /// (except `User-Agent`, `Expect` and the like). Throws `config.invalid` when the URL is not an
    /// absolute http(s) URL.
    public func sign(_ request: inout OutboundRequest, now: WallInstant) throws(RelayError) {
        let result = try prepare(&request, now: now)
        request.headers.append(("Authorization", result.authorization))
    }

    /// Adds the SigV4 headers (but not `Authorization`) to `request` and returns every step of the
    /// signature.
    public func prepare(_ request: inout OutboundRequest, now: WallInstant) throws(RelayError) -> Signature {
        guard let target = SigV4Target(url: request.url) else {
            throw RelayError(
                .configInvalid, "cannot sign \(HTTPTransport.redactedTarget(request.url)): not an absolute http(s) URL")
        }
        let amzDate = Self.amzDate(now)
        let replaced: Set<String> = ["authorization", "host", "x-amz-date", "x-amz-security-token"]
        request.headers.removeAll { replaced.contains($0.name.lowercased()) }
        request.headers.append(("Host", target.authority))
        request.headers.append(("x-amz-date", amzDate))
        if let token = credentials.sessionToken { request.headers.append(("x-amz-security-token", token)) }

        let payloadHash: String
        if let given = request.headers.first(where: { $0.name.lowercased() == "x-amz-content-sha256" })?.value {
            payloadHash = given
        } else {
            payloadHash = options.unsignedPayload ? "UNSIGNED-PAYLOAD" : Self.sha256Hex(request.body ?? [])
            if options.sendsContentHash { request.headers.append(("x-amz-content-sha256", payloadHash)) }
        }

        var grouped: [String: [String]] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            guard !Self.unsignedHeaders.contains(name) else { continue }
            grouped[name, default: []].append(SigV4Encoding.canonicalHeaderValue(header.value))
        }
        let names = grouped.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        var canonical = request.method.uppercased() + "\n"
        canonical += SigV4Encoding.canonicalPath(target.path, encodeTwice: options.encodesPathTwice) + "\n"
        canonical += SigV4Encoding.canonicalQuery(target.query) + "\n"
        for name in names { canonical += name + ":" + grouped[name, default: []].joined(separator: ",") + "\n" }
        canonical += "\n" + signedHeaders + "\n" + payloadHash

        let date = String(amzDate.prefix(8))
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n" + Self.sha256Hex(Array(canonical.utf8))
        let key = signingKey(date: date)
        let signature = SigV4Encoding.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            canonicalRequest: canonical, stringToSign: stringToSign, signature: signature,
            signedHeaders: signedHeaders, authorization: authorization)
    }

    /// The derived key for `date` (`YYYYMMDD`).
    func signingKey(date: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    public static func amzDate(_ instant: WallInstant) -> String {
        // `2013-05-24T00:00:00.000Z` → `20130524T000000Z`
        let iso = instant.timestamp.iso8601
        var out = ""
        for character in iso {
            if character == "." { break }
            if character != "-" && character != ":" { out.append(character) }
        }
        return out + "Z"
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SigV4Encoding.hex(SHA256.hash(data: bytes))
    }
}
