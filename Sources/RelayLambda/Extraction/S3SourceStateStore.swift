import RelayAWS
import RelayCore
import RelayHTTP

/// Keeps each source's ``SourceState`` in one S3 object (`{prefix}/{source}.json`), written with
/// conditional requests: `If-Match` on the ETag read at the start of the invocation, or
/// `If-None-Match: *` for the first write. Of two overlapping invocations that read the same
/// version, only one can write; the other gets `state.conflict` (S3's `412 PreconditionFailed`)
/// and its checkpoint does not move. S3's `409 ConditionalRequestConflict` (another conditional
/// write to the key in flight) is retryable, as AWS documents it: the write is retried with
/// backoff on the injected clock, up to ``conflictRetry``'s attempts.
public struct S3SourceStateStore: SourceStateStorage {
    public typealias Versioned = VersionedSourceState

    /// Retries of a `409 ConditionalRequestConflict`: 4 attempts in all, full-jitter backoff from
    /// 200 ms, capped at 2 s.
    public static let defaultConflictRetry = RetryPolicy(
        maxAttempts: 4, initialBackoff: .milliseconds(200), maxBackoff: .seconds(2))

    private let objects: any S3StateObjects
    private let clock: any WallClock
    /// Key prefix without a trailing `/`. Default `ccrelay-state`.
    public let prefix: String
    /// How a `409 ConditionalRequestConflict` is retried. Default ``defaultConflictRetry``.
    public let conflictRetry: RetryPolicy

    /// A store in `client`'s bucket; `clock` paces the retries of a conflicting write.
    public init(
        client: S3Client, prefix: String = "ccrelay-state", clock: any WallClock = SystemClock(),
        conflictRetry: RetryPolicy = S3SourceStateStore.defaultConflictRetry
    ) {
        self.init(objects: client, prefix: prefix, clock: clock, conflictRetry: conflictRetry)
    }

    init(objects: any S3StateObjects, prefix: String, clock: any WallClock, conflictRetry: RetryPolicy) {
        self.objects = objects
        self.clock = clock
        self.conflictRetry = conflictRetry
        var prefix = prefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.prefix = prefix
    }

    /// The object key of `source`'s state.
    public func key(for source: String) -> String {
        prefix.isEmpty ? "\(source).json" : "\(prefix)/\(source).json"
    }

    /// Reads `source`'s state; an absent object is an empty state. Throws `http.status` when S3
    /// refuses and `state.store` when the object is not a state.
    public func load(source: String) async throws(RelayError) -> Versioned {
        let key = key(for: source)
        let response = try await objects.getObject(key: key)
        if response.status == 404 { return Versioned(state: SourceState(), etag: nil) }
        guard response.status == 200 else { throw failure("read state \(key)", response) }
        let state = try SourceState(decoding: response.body, what: "state object s3://\(objects.bucket)/\(key)")
        return Versioned(state: state, etag: response.header("ETag"))
    }

    /// Writes `state` if the object is still at `version.etag` (or still absent); returns the new
    /// version. Throws `state.conflict` when another writer got there first, `http.status` when S3
    /// refuses otherwise (a `409` that outlasts the retries included).
    public func save(source: String, state: SourceState, over version: Versioned, now: Timestamp)
        async throws(RelayError)
        -> Versioned
    {
        let key = key(for: source)
        let condition: (name: String, value: String) = version.etag.map { ("If-Match", $0) } ?? ("If-None-Match", "*")
        let body = state.encoded(source: source, updatedAt: now)
        var failures = 0
        while true {
            let response = try await objects.putObject(
                key: key, body: body, contentType: "application/json", extraHeaders: [condition])
            switch response.status {
            case 200..<300:
                return Versioned(state: state, etag: response.header("ETag"))
            case 412,
                404 where version.etag != nil:
                // 412: the version changed; 404 with If-Match: the object was deleted since it was read.
                throw RelayError(
                    .stateConflict,
                    "state s3://\(objects.bucket)/\(key) was changed by another invocation since it was read (HTTP \(response.status))"
                )
            case 409 where failures + 1 < conflictRetry.maxAttempts:
                // ConditionalRequestConflict: a concurrent conditional write is in flight; S3 says retry.
                failures += 1
                var generator = SystemRandomNumberGenerator()
                let delay = conflictRetry.delay(
                    afterFailures: failures, atLeast: response.retryAfter, using: &generator)
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    throw RelayError(.cancelled, "write of state \(key) cancelled while retrying a conflict")
                }
            default:
                throw failure("write state \(key) (attempt \(failures + 1))", response)
            }
        }
    }

    private func failure(_ what: String, _ response: InboundResponse) -> RelayError {
        let described = S3ErrorBody.parse(response.body).map { "\($0)" } ?? response.bodySnippet()
        return RelayError(
            .httpStatus, "S3 \(what) in bucket \(objects.bucket): HTTP \(response.status) \(described)",
            retryAfter: response.retryAfter)
    }
}

/// The two object calls the state store makes: ``S3Client`` in production, a stub in tests.
protocol S3StateObjects: Sendable {
    /// The bucket, for messages.
    var bucket: String { get }
    /// `GET` an object; the response as S3 gave it.
    func getObject(key: String) async throws(RelayError) -> InboundResponse
    /// `PUT` an object with `extraHeaders` (the write condition); the response as S3 gave it.
    func putObject(key: String, body: [UInt8], contentType: String, extraHeaders: [(name: String, value: String)])
        async throws(RelayError) -> InboundResponse
}

extension S3Client: S3StateObjects {}
