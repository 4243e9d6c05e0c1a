import Logging
import RelayCore
import RelayHTTP
import Synchronization

/// Delivers batches to a Sumo Logic HTTP source: the normalized events in the sink's `encoding`, one per line,
/// at most 1 MB uncompressed per request (a larger batch is sent as several requests), gzip, with
/// the configured `X-Sumo-*` headers. The source URL is the credential: no message ever contains it.
///
/// Sumo answers 408 when it accepted a request but timed out processing it: the events may be
/// ingested already. They are retried like any 408 and counted in ``possiblyDuplicated``; a resend
/// carries the same `event_id`, by which searches remove the copy.
public struct SumoLogicSink: Sink {
    /// The configuration the sink was built with.
    public let configuration: SumoLogicSinkConfiguration
    private let transport: HTTPTransport
    private let headers: [(name: String, value: String)]
    private let logger: Logger
    private let duplicates = PossibleDuplicateCounter()

    /// A sink posting to `configuration.url` (its current value) over `transport`.
    /// - Parameter logger: reports requests answered 408 (counts only, never payloads or the URL).
    public init(configuration: SumoLogicSinkConfiguration, transport: HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(configuration.name)"
        self.logger = logger
        var headers: [(name: String, value: String)] = [("Content-Type", "application/x-ndjson")]
        if let category = configuration.category { headers.append(("X-Sumo-Category", category)) }
        if let sourceName = configuration.sourceName { headers.append(("X-Sumo-Name", sourceName)) }
        if let sourceHost = configuration.sourceHost { headers.append(("X-Sumo-Host", sourceHost)) }
        if !configuration.fields.isEmpty { headers.append(("X-Sumo-Fields", configuration.fieldsHeader)) }
        if configuration.gzip { headers.append(("Content-Encoding", "gzip")) }
        self.headers = headers
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    /// Events sent in requests Sumo answered 408 (accepted, then timed out processing): they are
    /// sent again, so the source may hold them twice.
    public var possiblyDuplicated: Int { duplicates.count.withLock { $0 } }

    /// A rejected URL is re-read at once (``Credential/deliver(_:)``) and the batch resent when it changed.
    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        await configuration.url.deliver { url in await deliver(entries, url: url) }
    }

    private func deliver(_ entries: [OutboxEntry], url: String) async -> DeliveryOutcome {
        let ranges = RequestSplitter.ranges(
            sizes: entries.map(\.payload.count), maxEntries: Int.max,
            maxBytes: SumoLogicSinkConfiguration.maxRequestBytes, overhead: 0, separator: 1)
        var delivered: [Int64] = []
        for (position, range) in ranges.enumerated() {
            let outcome = await send(entries[range], url: url)
            if outcome == .delivered {
                delivered += entries[range].map(\.id)
                continue
            }
            // Nothing sent yet, or a permanent failure of the one request: the batch shares its fate.
            if delivered.isEmpty { return ranges.count == 1 ? outcome : Self.widen(outcome, count: entries.count) }
            let remaining = ranges[position...].flatMap { entries[$0].map(\.id) }
            var fates = PartialDelivery(delivered: delivered, retriable: remaining, retryReason: outcome.failureReason)
            fates.noteRetry(outcome)
            return .partial(fates)
        }
        return .delivered
    }

    /// A permanent failure of the first of several requests says nothing about the other events:
    /// they are retried in smaller batches (the worker bisects).
    private static func widen(_ outcome: DeliveryOutcome, count: Int) -> DeliveryOutcome {
        if case .rejected(let reason) = outcome, count > 1 { return .poisoned(index: nil, reason: reason) }
        return outcome
    }

    private func send(_ entries: ArraySlice<OutboxEntry>, url: String) async -> DeliveryOutcome {
        var body: [UInt8] = []
        body.reserveCapacity(entries.reduce(0) { $0 + $1.payload.count + 1 })
        for entry in entries {
            body.append(contentsOf: configuration.encoding.payload(entry.payload, keys: .full))
            body.append(UInt8(ascii: "\n"))
        }
        if configuration.gzip { body = Gzip.compress(body, level: .fastest) }
        let request = OutboundRequest(
            method: "POST", url: url, headers: headers, body: body, timeout: configuration.requestTimeout)
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .transportFailure(error, reason: redact(error.message, url: url))
        }
        if response.status == 408 { notePossibleDuplicates(entries.count) }
        return outcome(for: response, url: url)
    }

    private func notePossibleDuplicates(_ events: Int) {
        let total = duplicates.count.withLock { count in
            count += events
            return count
        }
        logger.warning(
            "Sumo Logic answered 408 after accepting a request; its events are resent and may appear twice",
            metadata: ["ccrelay.events": "\(events)", "ccrelay.possibly_duplicated_total": "\(total)"])
    }

    /// Sumo's statuses: 200 ok; 429 throttled and 408 (accepted, then timed out processing: the
    /// resend may duplicate), 5xx retriable (429, 502–504: unavailable); 401 the URL is not a source.
    func outcome(for response: InboundResponse, url: String) -> DeliveryOutcome {
        let redactedURL = SumoLogicSinkConfiguration.redacted(url)
        let words = redact("HTTP \(response.status) from \(redactedURL): \(response.bodySnippet())", url: url)
        switch response.status {
        case 200..<300: return .delivered
        case 408, 429, 500...599:
            return .retry(
                status: response.status, reason: "Sumo Logic answered \(words)", retryAfter: response.retryAfter)
        case 401, 403: return .credentialRejected(reason: "Sumo Logic refused the HTTP source URL: \(words)")
        default: return .rejected(reason: "Sumo Logic refused the logs: \(words)")
        }
    }

    /// `text` with the source URL and its secret path removed.
    private func redact(_ text: String, url: String) -> String {
        let redactedURL = SumoLogicSinkConfiguration.redacted(url)
        var result = text.replacing(url, with: redactedURL)
        let target = HTTPTransport.redactedTarget(url)
        result = result.replacing(target, with: redactedURL)
        if let marker = url.firstRange(of: "/receiver/v1/http/") {
            let code = String(url[marker.upperBound...])
            if code.count >= 8 { result = result.replacing(code, with: "[redacted]") }
        }
        return result
    }
}

/// Shared, mutable count behind the sink value (copies of a sink count together).
final class PossibleDuplicateCounter: Sendable {
    let count = Mutex(0)
}

extension DeliveryOutcome {
    /// The reason of a failure; empty for `.delivered`.
    var failureReason: String {
        switch self {
        case .delivered, .awaitingAcknowledgement: ""
        case .retriable(let reason, _), .unavailable(let reason, _), .rejected(let reason),
            .credentialRejected(let reason),
            .poisoned(_, let reason, _):
            reason
        case .partial(let fates): fates.retryReason
        }
    }
}
