import Logging
import RelayCore
import RelayHTTP

/// Delivers batches to Elasticsearch or OpenSearch with `POST {endpoint}/_bulk`: one `create`
/// action per event into the configured data stream or index, `_id` = `event_id` (see
/// ``ElasticsearchBulkEncoder``). Each item's result settles its event alone: created or 409
/// (already indexed by an earlier send) is delivered, 429 and 5xx items are retried without the
/// others, and any other refusal (a mapping or parsing error) dead-letters that event with the
/// cluster's error type and reason. A batch larger than one request allows is sent as several
/// requests; a request answered 413 is halved until it fits or holds one event.
public struct ElasticsearchSink: Sink {
    /// The configuration the sink was built with.
    public let configuration: ElasticsearchSinkConfiguration
    private let transport: HTTPTransport
    private let encoder: ElasticsearchBulkEncoder
    private let logger: Logger

    /// A sink posting to `configuration.bulkURL` over `transport`.
    /// - Parameter logger: reports dead-lettered items (counts only, never payloads or credentials).
    public init(configuration: ElasticsearchSinkConfiguration, transport: HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.encoder = ElasticsearchBulkEncoder(index: configuration.index)
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(configuration.name)"
        self.logger = logger
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    /// A rejected credential is re-read at once (``Credential/deliver(_:)``) and the batch resent
    /// when it changed; events the cluster already took answer 409 then and count as delivered.
    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        await configuration.auth.secret.deliver { secret in
            await deliver(entries, authorization: configuration.auth.header(secret: secret))
        }
    }

    private func deliver(_ entries: [OutboxEntry], authorization: String) async -> DeliveryOutcome {
        let encoded = configuration.encoding.entries(entries, keys: .full).map(encoder.encode)
        let ranges = RequestSplitter.ranges(
            sizes: encoded.map(\.count), maxEntries: Int.max,
            maxBytes: ElasticsearchSinkConfiguration.maxRequestBytes, overhead: 0, separator: 0)
        var settlement = Settlement()
        var pending = ranges[...]
        while let range = pending.popFirst() {
            let outcome = await send(entries: entries[range], encoded: encoded[range], authorization: authorization)
            switch outcome {
            case .items(let items):
                settlement.record(items, ids: entries[range].map(\.id))
            case .tooLarge(let reason) where range.count == 1:
                settlement.fates.rejected[entries[range.lowerBound].id] = reason
            case .tooLarge:
                let middle = range.lowerBound + range.count / 2
                pending = [range.lowerBound..<middle, middle..<range.upperBound] + pending
            case .failed(let failure):
                if settlement.isEmpty { return entries.count == range.count ? failure : widened(failure) }
                // Later requests would most likely fail the same way: everything left waits.
                settlement.fates.noteRetry(failure)
                if settlement.fates.retryReason.isEmpty { settlement.fates.retryReason = failure.failureReason }
                settlement.fates.retriable += ([range] + pending).flatMap { entries[$0].map(\.id) }
                pending = []
            }
        }
        if !settlement.fates.rejected.isEmpty {
            logger.warning(
                "Elasticsearch refused events; they are dead-lettered",
                metadata: ["ccrelay.events": "\(settlement.fates.rejected.count)"])
        }
        return settlement.outcome(total: entries.count)
    }

    /// A failure of the first of several requests that refuses the request for good says nothing
    /// about the other events: the worker bisects the batch.
    private func widened(_ failure: DeliveryOutcome) -> DeliveryOutcome {
        if case .rejected(let reason) = failure { return .poisoned(index: nil, reason: reason) }
        return failure
    }

    /// What one request came to.
    private enum RequestResult {
        case items([ElasticsearchBulkResponse.Item])
        case tooLarge(String)
        case failed(DeliveryOutcome)
    }

    private func send(entries: ArraySlice<OutboxEntry>, encoded: ArraySlice<[UInt8]>, authorization: String) async
        -> RequestResult
    {
        var body: [UInt8] = []
        body.reserveCapacity(encoded.reduce(0) { $0 + $1.count })
        for lines in encoded { body.append(contentsOf: lines) }
        var headers: [(name: String, value: String)] = [
            ("Authorization", authorization),
            ("Content-Type", "application/x-ndjson"),
        ]
        if configuration.gzip {
            body = Gzip.compress(body, level: .fastest)
            headers.append(("Content-Encoding", "gzip"))
        }
        let request = OutboundRequest(
            method: "POST", url: configuration.bulkURL, headers: headers, body: body,
            timeout: configuration.requestTimeout)
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .failed(.transportFailure(error))
        }
        if response.status == 413 {
            return .tooLarge("Elasticsearch refused the request as too large: HTTP 413: \(response.bodySnippet())")
        }
        if let outcome = ElasticsearchBulkResponse.requestOutcome(for: response) {
            if outcome == .delivered { return .items(Array(repeating: .delivered, count: entries.count)) }
            return .failed(outcome)
        }
        guard let items = ElasticsearchBulkResponse.items(response.body, count: entries.count) else {
            return .failed(
                .retriable(
                    reason: "Elasticsearch answered 200 without one bulk item per event: \(response.bodySnippet())",
                    retryAfter: nil))
        }
        return .items(items)
    }
}

/// The fates gathered over a batch's requests.
private struct Settlement {
    var fates = PartialDelivery()

    var isEmpty: Bool { fates.delivered.isEmpty && fates.rejected.isEmpty && fates.retriable.isEmpty }

    mutating func record(_ items: [ElasticsearchBulkResponse.Item], ids: [Int64]) {
        for (item, id) in zip(items, ids) {
            switch item {
            case .delivered: fates.delivered.append(id)
            case .rejected(let reason): fates.rejected[id] = reason
            case .retry(let outcome):
                fates.retriable.append(id)
                // An outage on any item makes the retry an outage's (it uses no attempt).
                if !fates.retryIsOutage || outcome.isOutage { fates.noteRetry(outcome) }
            }
        }
    }

    func outcome(total: Int) -> DeliveryOutcome {
        if fates.delivered.count == total { return .delivered }
        if fates.retriable.count == total { return fates.wholeBatchRetry }
        if total == 1, let reason = fates.rejected.values.first { return .rejected(reason: reason) }
        return .partial(fates)
    }
}
