import RelayCore

/// A `type: firehose` source: ccrelay as an Amazon Data Firehose HTTP-endpoint destination.
public struct FirehoseReceiverConfiguration: Sendable {
    /// Longest request id accepted, in bytes (Firehose's ids are UUIDs); a longer one is refused
    /// with 400, so no request id of any length is remembered.
    public static let maxRequestIDBytes = 128

    /// The source name (`sources.NAME`).
    public var name: String
    /// The URL path Firehose POSTs to (`path`). Default `/firehose`.
    public var path: String
    /// Accepted `X-Amz-Firehose-Access-Key` values (`access_keys`, at least one; several during a
    /// rotation), each a credential reference (`${file:}`, `${aws-secretsmanager:}`) of at least
    /// ``minimumKeyBytes`` bytes, compared against its current value at each request. No default.
    public var accessKeys: [Credential]
    /// Largest request body, as sent and once inflated (`max_body_bytes`). Default 64 MiB,
    /// Firehose's own limit. A body sent larger, or a gzip body inflating beyond it (inflating stops
    /// there), is refused with 400, never 413: Firehose retries a 400 and then backs the batch up to
    /// S3, while it treats 413 as permanent and drops the batch without a backup.
    public var maxBodyBytes: Int
    /// Most records of one request that may be dead-lettered (`max_dead_letters_per_request`).
    /// Default 1,000 (a tenth of Firehose's 10,000 records per request). Beyond it the whole request
    /// is refused with 400 before anything is stored, so Firehose retries and then backs it up to
    /// S3; `0` refuses any request with a bad record.
    public var maxDeadLettersPerRequest: Int
    /// How many answered `X-Amz-Firehose-Request-Id`s are remembered, so a redelivery is acknowledged
    /// without being processed again (`remembered_request_ids`). Default 10,000. The dedup ledger
    /// drops repeated events beyond that.
    public var rememberedRequestIDs: Int
    /// Keep the whole EventBridge event in each event's `raw` (`keep_raw`). Default `false`.
    public var keepRaw: Bool

    /// The shortest access key accepted (a Firehose access key is a shared secret: guessable
    /// short keys are refused).
    public static let minimumKeyBytes = 16

    public init(
        name: String,
        path: String = "/firehose",
        accessKeys: [Credential],
        maxBodyBytes: Int = 64 << 20,
        rememberedRequestIDs: Int = 10_000,
        keepRaw: Bool = false,
        maxDeadLettersPerRequest: Int = 1_000
    ) {
        self.maxDeadLettersPerRequest = maxDeadLettersPerRequest
        self.name = name
        self.path = path
        self.accessKeys = accessKeys
        self.maxBodyBytes = maxBodyBytes
        self.rememberedRequestIDs = rememberedRequestIDs
        self.keepRaw = keepRaw
    }

    /// Pure validation: each problem as `key: message`.
    public func problems() -> [String] {
        var problems: [String] = []
        if !path.hasPrefix("/") { problems.append("path: must start with /") }
        if path.contains("?") || path.contains("#") { problems.append("path: must not contain ? or #") }
        if accessKeys.isEmpty { problems.append("access_keys: at least one access key is required") }
        for (index, key) in accessKeys.enumerated() where key.value.utf8.count > 4096 {
            problems.append("access_keys[\(index)]: must be at most 4096 bytes")
        }
        if maxBodyBytes < 1024 || maxBodyBytes > 1 << 30 {
            problems.append("max_body_bytes: must be 1024...1073741824")
        }
        if rememberedRequestIDs < 0 { problems.append("remembered_request_ids: must not be negative") }
        if maxDeadLettersPerRequest < 0 || maxDeadLettersPerRequest > 100_000 {
            problems.append("max_dead_letters_per_request: must be 0...100000")
        }
        return problems
    }
}
