import RelayAWS
import RelayCore
import RelayHTTP

/// Keeps each source's ``SourceState`` in one S3 object (`{prefix}/{source}.json`), written with
/// conditional requests: `If-Match` on the ETag read at the start of the invocation, or
/// `If-None-Match: *` for the first write. Of two overlapping invocations that read the same
/// version, only one can write; the other gets `state.conflict` and its checkpoint does not move.
public struct S3SourceStateStore: SourceStateStorage {
    public typealias Versioned = VersionedSourceState

    private let client: S3Client
    /// Key prefix without a trailing `/`. Default `ccrelay-state`.
    public let prefix: String

    public init(client: S3Client, prefix: String = "ccrelay-state") {
        self.client = client
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
        let response = try await client.getObject(key: key)
        if response.status == 404 { return Versioned(state: SourceState(), etag: nil) }
        guard response.status == 200 else { throw failure("read state \(key)", response) }
        let state = try SourceState(decoding: response.body, what: "state object s3://\(client.bucket)/\(key)")
        return Versioned(state: state, etag: response.header("ETag"))
    }

    /// Writes `state` if the object is still at `version.etag` (or still absent); returns the new
    /// version. Throws `state.conflict` when another writer got there first.
    public func save(source: String, state: SourceState, over version: Versioned, now: Timestamp)
        async throws(RelayError)
        -> Versioned
    {
        let key = key(for: source)
        let condition: (name: String, value: String) = version.etag.map { ("If-Match", $0) } ?? ("If-None-Match", "*")
        let response = try await client.putObject(
            key: key, body: state.encoded(source: source, updatedAt: now), contentType: "application/json",
            extraHeaders: [condition])
        let lostRace =
            response.status == 412 || response.status == 409 || (response.status == 404 && version.etag != nil)
        switch response.status {
        case 200..<300:
            return Versioned(state: state, etag: response.header("ETag"))
        case _ where lostRace:
            // 412: the version changed; 409: a concurrent conditional write is in flight;
            // 404 with If-Match: the object was deleted since it was read.
            throw RelayError(
                .stateConflict,
                "state s3://\(client.bucket)/\(key) was changed by another invocation since it was read (HTTP \(response.status))"
            )
        default:
            throw failure("write state \(key)", response)
        }
    }

    private func failure(_ what: String, _ response: InboundResponse) -> RelayError {
        let described = S3ErrorBody.parse(response.body).map { "\($0)" } ?? response.bodySnippet()
        return RelayError(
            .httpStatus, "S3 \(what) in bucket \(client.bucket): HTTP \(response.status) \(described)",
            retryAfter: response.retryAfter)
    }
}
