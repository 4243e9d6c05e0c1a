import RelayAWSCore
import RelayCore

/// Configuration of an S3 archive sink (`type: s3`): each batch becomes gzip-compressed NDJSON
/// objects keyed `prefix/<sink name>/YYYY/MM/DD/HH/<uuid>.json.gz` by the events' time (UTC).
public struct S3SinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name and the key segment after the prefix.
    public var name: String
    /// The bucket the objects go to.
    public var bucket: String
    /// Key prefix, without leading or trailing `/`. Default `ccrelay`.
    public var prefix: String
    /// The bucket's region, e.g. `eu-west-1` (signed into every request).
    public var region: String
    /// Base URL of an S3-compatible endpoint (moto, MinIO, a VPC endpoint); when set, requests use
    /// path-style addressing (`endpoint/bucket/key`). Default `nil`: AWS, virtual-hosted addressing
    /// (`https://bucket.s3.region.amazonaws.com/key`).
    public var endpoint: String?
    /// Where the credentials come from: keys from the configuration, else the AWS default chain
    /// (environment keys, web identity, container endpoint, EC2 instance metadata).
    public var credentials: AWSCredentialSource
    /// `x-amz-storage-class` for new objects (`STANDARD_IA`, `GLACIER_IR`, …). Default `nil`: the
    /// bucket's default (STANDARD).
    public var storageClass: String?
    /// Whole-request timeout. Default 60 s.
    public var requestTimeout: Duration
    /// Default 100 000 events, 8 MiB (of uncompressed events), 60 s: an archive wants few, large
    /// objects rather than many tiny ones.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy

    /// The archive's batch defaults: 100 000 events, 8 MiB, 60 s.
    public static let defaultBatch = BatchConfiguration(maxEvents: 100_000, maxBytes: 8 << 20, timeout: .seconds(60))

    public init(
        name: String,
        bucket: String,
        prefix: String = "ccrelay",
        region: String,
        endpoint: String? = nil,
        credentials: AWSCredentialSource,
        storageClass: String? = nil,
        requestTimeout: Duration = .seconds(60),
        batch: BatchConfiguration = S3SinkConfiguration.defaultBatch,
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.name = name
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.endpoint = endpoint
        self.credentials = credentials
        self.storageClass = storageClass
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.retry = retry
    }

    /// Why `name` is not a valid S3 bucket name (3–63 characters of lowercase letters, digits, `.`
    /// and `-`, starting and ending with a letter or digit), or `nil` when it is.
    public static func bucketNameProblem(_ name: String) -> String? {
        guard (3...63).contains(name.utf8.count) else { return "a bucket name has 3 to 63 characters" }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard name.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            return "a bucket name has only lowercase letters, digits, dots and hyphens"
        }
        guard let first = name.utf8.first, let last = name.utf8.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return "a bucket name starts and ends with a letter or digit"
        }
        return nil
    }
}
