import RelayAWS
import RelayAWSCore
import RelayCore

/// The `lambda:` section of a configuration file, for `ccrelay lambda`:
///
/// ```yaml
/// lambda:
///   handler: firehose-transform       # or scheduled-extraction; env CCRELAY_HANDLER overrides
///   firehose_transform:
///     format: splunk                  # splunk (default) | datadog | event
///     sourcetype: ccas:auditlog       # splunk: index, sourcetype, source, host
///     drop_pattern: {"event_type": [{"prefix": "USERS_PRESENCE"}]}
///   scheduled_extraction:
///     safety_margin_secs: 10
///     delivery_reserve_secs: 30
///     state: s3                       # store (the state: section's SQLite/PostgreSQL) | s3
///     s3: {bucket: my-ccrelay-state, prefix: ccrelay-state}
/// ```
public struct LambdaConfiguration: Sendable {
    /// The handler named in the file (`lambda.handler`); `nil` when only the environment names it.
    public var handler: LambdaHandlerKind?
    /// `lambda.firehose_transform` (every key defaulted).
    public var firehoseTransform = FirehoseTransformConfiguration()
    /// Keep the whole EventBridge event in `raw` (`lambda.firehose_transform.keep_raw`). Default false.
    public var keepRaw = false
    /// `lambda.scheduled_extraction` (every key defaulted).
    public var scheduledExtraction = ScheduledExtractionConfiguration()
    /// Where scheduled extraction keeps state: `nil` for the `state:` section's store (the default),
    /// or an S3 bucket (`lambda.scheduled_extraction.state: s3`).
    public var s3State: S3StateConfiguration?
    /// `lambda.scheduled_extraction.state` as written (`store` or `s3`); `nil` when not written.
    var extractionState: String?
    /// Whether the file writes `lambda.firehose_transform`. Default false.
    public var firehoseTransformWritten = false

    /// Whether this section sets up the Firehose transformation: its handler is
    /// `firehose-transform`, or it names none (the environment decides) and writes
    /// `firehose_transform`.
    public var setsUpFirehoseTransform: Bool {
        handler == .firehoseTransform || (handler == nil && firehoseTransformWritten)
    }

    public init() {}
}

/// `lambda.scheduled_extraction.s3`: the bucket holding one state object per source.
public struct S3StateConfiguration: Sendable {
    /// The key prefix when none is configured (the generated template's role may write under it).
    public static let defaultPrefix = "ccrelay-state"

    public var bucket: String
    /// Key prefix. Default `ccrelay-state`.
    public var prefix: String
    /// Default `AWS_REGION`.
    public var region: String
    /// An S3-compatible endpoint (moto, MinIO); default AWS.
    public var endpoint: String?
    /// Default the AWS default chain: in Lambda, the function role's `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    public var credentials: AWSCredentialSource

    public init(
        bucket: String, prefix: String = S3StateConfiguration.defaultPrefix, region: String, endpoint: String?,
        credentials: AWSCredentialSource
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.endpoint = endpoint
        self.credentials = credentials
    }
}
