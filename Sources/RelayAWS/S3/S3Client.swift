import Crypto
import RelayAWSCore
import RelayCore
import RelayHTTP

/// Signed requests to one S3 bucket: put, get and list objects, create the bucket. Path-style
/// addressing with a configured endpoint (moto, MinIO), virtual-hosted otherwise. Each request is
/// signed with the credentials the provider holds at that moment (temporary credentials rotate).
public struct S3Client: Sendable {
    public let bucket: String
    /// The bucket's region (signed into every request).
    public let region: String
    private let credentials: any AWSCredentialProvider
    private let transport: HTTPTransport
    private let clock: any WallClock
    private let requestTimeout: Duration
    /// URL of the bucket without a trailing `/` (`https://b.s3.eu-west-1.amazonaws.com` or
    /// `http://127.0.0.1:5000/b`).
    public let bucketURL: String
    private let pathStyle: Bool

    public init(
        bucket: String, region: String, endpoint: String?, credentials: any AWSCredentialProvider,
        transport: HTTPTransport, clock: any WallClock, requestTimeout: Duration = .seconds(60)
    ) {
        self.bucket = bucket
        self.region = region
        self.credentials = credentials
        self.transport = transport
        self.clock = clock
        self.requestTimeout = requestTimeout
        if var base = endpoint {
            while base.hasSuffix("/") { base.removeLast() }
            bucketURL = base + "/" + SigV4Encoding.uriEncode(bucket, encodeSlash: true)
            pathStyle = true
        } else if bucket.contains(".") {
            // Dotted names do not match the wildcard certificate of virtual-hosted addresses.
            bucketURL = "https://s3.\(region).amazonaws.com/\(bucket)"
            pathStyle = true
        } else {
            bucketURL = "https://\(bucket).s3.\(region).amazonaws.com"
            pathStyle = false
        }
    }

    /// The URL of an object (its key encoded the S3 way, `/` kept).
    public func objectURL(_ key: String) -> String {
        bucketURL + "/" + SigV4Encoding.uriEncode(key, encodeSlash: false)
    }

    /// The bucket's own URL with a query: `/bucket?query` path-style (as S3's SDKs send it;
    /// `/bucket/?query` is signed differently by some S3 implementations), `/?query` virtual-hosted.
    func bucketURL(query: String) -> String {
        (pathStyle ? bucketURL : bucketURL + "/") + "?" + query
    }

    /// `PUT` an object with `Content-MD5` and the signed SHA-256 of the body, so S3 refuses a body
    /// damaged on the way.
    public func putObject(
        key: String, body: [UInt8], contentType: String, extraHeaders: [(name: String, value: String)] = []
    ) async throws(RelayError) -> InboundResponse {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", contentType),
            ("Content-MD5", Base64.encode(Insecure.MD5.hash(data: body))),
        ]
        headers += extraHeaders
        return try await send(method: "PUT", url: objectURL(key), headers: headers, body: body)
    }

    /// `GET` an object; the response as S3 gave it (check the status).
    public func getObject(key: String) async throws(RelayError) -> InboundResponse {
        try await send(method: "GET", url: objectURL(key))
    }

    /// Every key under `prefix` (ListObjectsV2, following continuation tokens). Throws `http.status`
    /// with S3's error code when S3 refuses.
    public func listKeys(prefix: String) async throws(RelayError) -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = "list-type=2&prefix=" + SigV4Encoding.uriEncode(prefix, encodeSlash: true)
            if let token { query += "&continuation-token=" + SigV4Encoding.uriEncode(token, encodeSlash: true) }
            let response = try await send(method: "GET", url: bucketURL(query: query))
            guard response.status == 200 else { throw Self.failure("list \(bucket)/\(prefix)", response) }
            keys += AWSXML.values(of: "Key", in: response.body)
            token =
                AWSXML.value(of: "IsTruncated", in: response.body) == "true"
                ? AWSXML.value(of: "NextContinuationToken", in: response.body) : nil
        } while token != nil
        return keys
    }

    /// Creates the bucket (with a location constraint outside us-east-1); a bucket the caller
    /// already owns is fine.
    public func createBucket() async throws(RelayError) {
        var body: [UInt8]?
        if region != "us-east-1" {
            let xml =
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>"
                + AWSXML.escape(region) + "</LocationConstraint></CreateBucketConfiguration>"
            body = Array(xml.utf8)
        }
        let response = try await send(method: "PUT", url: bucketURL, body: body)
        if response.status == 200 || S3ErrorBody.parse(response.body)?.code == "BucketAlreadyOwnedByYou" { return }
        throw Self.failure("create bucket \(bucket)", response)
    }

    /// Asks for at most one key under `prefix`: proves the signature and key without writing.
    func probe(prefix: String) async throws(RelayError) -> InboundResponse {
        let query = "list-type=2&max-keys=1&prefix=" + SigV4Encoding.uriEncode(prefix, encodeSlash: true)
        return try await send(method: "GET", url: bucketURL(query: query))
    }

    /// Signs and sends one request.
    public func send(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) async throws(RelayError) -> InboundResponse {
        var request = OutboundRequest(method: method, url: url, headers: headers, body: body, timeout: requestTimeout)
        let signer = SigV4Signer(credentials: try await credentials.credentials(), region: region, service: "s3")
        try signer.sign(&request, now: clock.now)
        return try await transport.send(request)
    }

    static func failure(_ what: String, _ response: InboundResponse) -> RelayError {
        let described = S3ErrorBody.parse(response.body).map { "\($0)" } ?? response.bodySnippet()
        return RelayError(
            .httpStatus, "S3 \(what): HTTP \(response.status) \(described)", retryAfter: response.retryAfter)
    }
}
