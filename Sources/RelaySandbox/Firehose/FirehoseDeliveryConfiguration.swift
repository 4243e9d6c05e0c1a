/// How the sandbox Firehose delivers, mirroring a delivery stream's HTTP-endpoint destination settings.
public struct FirehoseDeliveryConfiguration: Sendable {
    /// The HTTP endpoint URL (ccrelay's receiver, e.g. `http://127.0.0.1:8080/firehose`). No default.
    public var url: String
    /// Sent as `X-Amz-Firehose-Access-Key`. Default `sandbox-firehose-key`.
    public var accessKey: String
    /// gzip the body and send `Content-Encoding: gzip`. Default `true`.
    public var gzip: Bool
    /// Events per request (Firehose allows 1–10,000 records). Default 500.
    public var recordsPerRequest: Int
    /// Events per record: 1 is one EventBridge event per record; more writes them newline-delimited.
    /// Default 1.
    public var eventsPerRecord: Int
    /// `RetryOptions.DurationInSeconds`: how long one request is retried before it is given up
    /// (Firehose then writes it to the S3 backup bucket). Default 300 s.
    public var retryDuration: Duration
    /// First retry delay; doubled after each failure up to ``maxBackoff``. Default 1 s.
    public var initialBackoff: Duration
    /// Largest retry delay. Default 2 minutes.
    public var maxBackoff: Duration
    /// Each retry delay is drawn within ± this fraction of its nominal value, as Firehose does.
    /// Default 0.15.
    public var retryJitter: Double
    /// How long Firehose waits for an answer. Default 3 minutes.
    public var requestTimeout: Duration
    /// `X-Amz-Firehose-Source-Arn`. Default a sandbox stream ARN.
    public var sourceARN: String
    /// The delivery stream's HTTP endpoint common attributes, sent as
    /// `X-Amz-Firehose-Common-Attributes: {"commonAttributes":{…}}`. Default one attribute naming
    /// the sandbox, so every receiver test meets the header.
    public var commonAttributes: [String: String]
    /// Seed of the request ids (and retry jitter) this stream generates. Streams delivering at the same time need
    /// different seeds, as real delivery streams never share request ids. Default a fixed seed.
    public var requestIDSeed: UInt64

    public init(
        url: String,
        accessKey: String = "sandbox-firehose-key",
        gzip: Bool = true,
        recordsPerRequest: Int = 500,
        eventsPerRecord: Int = 1,
        retryDuration: Duration = .seconds(300),
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(120),
        retryJitter: Double = 0.15,
        requestTimeout: Duration = .seconds(180),
        sourceARN: String = "arn:aws:firehose:us-east-1:123456789012:deliverystream/ccrelay-sandbox",
        commonAttributes: [String: String] = ["environment": "ccrelay-sandbox"],
        requestIDSeed: UInt64 = 0xF1_2E_405E
    ) {
        self.requestIDSeed = requestIDSeed
        self.url = url
        self.accessKey = accessKey
        self.gzip = gzip
        self.recordsPerRequest = max(1, min(recordsPerRequest, 10_000))
        self.eventsPerRecord = max(1, eventsPerRecord)
        self.retryDuration = retryDuration
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.retryJitter = max(0, min(retryJitter, 1))
        self.requestTimeout = requestTimeout
        self.sourceARN = sourceARN
        self.commonAttributes = commonAttributes
    }
}
