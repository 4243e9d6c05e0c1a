import Logging
import RelayAWSCore
import RelayConfig
import RelayCore
import RelayHTTP

/// Archives batches to S3 as gzip NDJSON objects (see ``S3ObjectLayout``). A batch whose events
/// span several UTC hours becomes one object per hour; their fates are reported per event, so an
/// object S3 accepted is never written again because another one failed.
public struct S3ArchiveSink: Sink {
    public let configuration: S3SinkConfiguration
    public let client: S3Client
    private let layout: S3ObjectLayout
    private let logger: Logger

    public init(configuration: S3SinkConfiguration, transport: HTTPTransport, clock: any WallClock, logger: Logger) {
        self.configuration = configuration
        self.client = S3Client(
            bucket: configuration.bucket, region: configuration.region, endpoint: configuration.endpoint,
            credentials: configuration.credentials.provider(
                transport: transport, clock: clock, logger: logger, readFile: Interpolation.readFileContents),
            transport: transport, clock: clock,
            requestTimeout: configuration.requestTimeout)
        self.layout = S3ObjectLayout(prefix: configuration.prefix, segment: configuration.name)
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(configuration.name)"
        self.logger = logger
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        var fates = S3BatchFates(total: entries.count)
        for object in layout.objects(for: entries) {
            if fates.stopped {
                fates.skip(object.entryIDs)
                continue
            }
            let outcome = await put(object)
            if case .delivered = outcome {
                logger.debug(
                    "Object written",
                    metadata: ["ccrelay.s3.key": "\(object.key)", "ccrelay.events": "\(object.entryIDs.count)"])
            }
            fates.record(object.entryIDs, outcome)
        }
        return fates.outcome
    }

    private func put(_ object: S3ObjectLayout.Object) async -> DeliveryOutcome {
        var extra: [(name: String, value: String)] = []
        if let storageClass = configuration.storageClass { extra.append(("x-amz-storage-class", storageClass)) }
        do {
            let response = try await client.putObject(
                key: object.key, body: Gzip.compress(object.ndjson, level: .standard), contentType: "application/gzip",
                extraHeaders: extra)
            return S3Response.outcome(for: response)
        } catch {
            return .transportFailure(error)
        }
    }

    /// Lists at most one key under the prefix: a wrong key or secret is refused, a key that may
    /// write but not list (`AccessDenied`) still proves the signature is accepted.
    public func checkCredential() async -> CredentialStatus {
        do {
            let response = try await client.probe(prefix: layout.prefix.isEmpty ? layout.segment : layout.prefix)
            if response.status == 200 { return .valid }
            let error = S3ErrorBody.parse(response.body)
            if error?.code == "AccessDenied" { return .valid }
            if case .credentialRejected(let reason) = S3Response.outcome(for: response) {
                return .rejected(reason: reason)
            }
            return .unknown(
                reason: "S3 answered HTTP \(response.status) \(error.map { "\($0)" } ?? response.bodySnippet())")
        } catch {
            return .unknown(reason: error.message)
        }
    }
}

/// Per-event fates of one batch's objects, folded into one outcome. After a retriable failure or a
/// refused credential the remaining objects are not sent (throttling, an outage and a bad key hit
/// them all alike) and count as retriable.
struct S3BatchFates {
    let total: Int
    var fates = PartialDelivery()
    var credentialReason: String?
    /// A failure has stopped the batch: the remaining objects are not sent (``skip(_:)``).
    var stopped = false

    init(total: Int) { self.total = total }

    mutating func record(_ ids: [Int64], _ outcome: DeliveryOutcome) {
        switch outcome {
        case .delivered:
            fates.delivered += ids
        case .rejected(let reason):
            for id in ids { fates.rejected[id] = reason }
        case .retriable, .unavailable:
            fates.retriable += ids
            if !stopped { fates.noteRetry(outcome) }
            stopped = true
        case .credentialRejected(let reason):
            fates.retriable += ids
            if !stopped { fates.retryReason = reason }
            credentialReason = credentialReason ?? reason
            stopped = true
        case .partial, .poisoned, .awaitingAcknowledgement:
            // A single PUT never answers these; should one appear, its events are sent again.
            fates.retriable += ids
        }
    }

    /// An object not sent because the batch stopped: its events are tried again with the rest.
    mutating func skip(_ ids: [Int64]) {
        fates.retriable += ids
    }

    var outcome: DeliveryOutcome {
        if fates.delivered.count == total { return .delivered }
        if let credentialReason, fates.delivered.isEmpty, fates.rejected.isEmpty {
            return .credentialRejected(reason: credentialReason)
        }
        if fates.retriable.count == total { return fates.wholeBatchRetry }
        if fates.rejected.count == total, Set(fates.rejected.values).count == 1,
            let reason = fates.rejected.values.first
        {
            return .rejected(reason: reason)
        }
        return .partial(fates)
    }
}
