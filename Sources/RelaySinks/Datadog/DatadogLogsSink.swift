import RelayCore
import RelayHTTP

/// Delivers batches to the Datadog Logs v2 intake as JSON arrays (see ``DatadogLogsEncoder`` for
/// the mapping). Events of any age are sent: a log carries its event time as `event_time`, not as
/// `timestamp`, so Datadog dates it at intake and its age window never applies. A batch larger
/// than one request allows (1000 entries, 5 MB) is sent as several requests.
public struct DatadogLogsSink: Sink {
    /// The configuration the sink was built with.
    public let configuration: DatadogLogsSinkConfiguration
    private let transport: HTTPTransport
    private let encoder: DatadogLogsEncoder
    private let url: String

    /// - Parameter encoder: defaults to a ``DatadogLogsEncoder`` for `configuration`.
    public init(
        configuration: DatadogLogsSinkConfiguration,
        transport: HTTPTransport,
        encoder: DatadogLogsEncoder? = nil
    ) {
        self.configuration = configuration
        self.transport = transport
        self.encoder = encoder ?? DatadogLogsEncoder(configuration: configuration)
        self.url = configuration.intakeURL
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    /// A rejected API key is re-read at once (``Credential/deliver(_:)``) and the batch resent when
    /// it changed (a rejection leaves nothing delivered, so the whole batch is sent again).
    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        await configuration.apiKey.deliver { apiKey in await deliver(entries, apiKey: apiKey) }
    }

    private func deliver(_ entries: [OutboxEntry], apiKey: String) async -> DeliveryOutcome {
        var fates = PartialDelivery()
        let encoded = configuration.encoding.entries(entries, keys: .full).map(encoder.encode)
        let ranges = RequestSplitter.ranges(
            sizes: encoded.map(\.count), maxEntries: DatadogLogsSinkConfiguration.Limits.entriesPerRequest,
            maxBytes: DatadogLogsSinkConfiguration.Limits.requestBytes, overhead: 2, separator: 1)
        return await SplitRequests.deliver(
            ids: entries.map(\.id), ranges: ranges, batchSize: entries.count, othersSettled: false,
            destination: "the Datadog intake", fates: &fates, partial: { .partial($0) }
        ) { range in await send(encoded[range], apiKey: apiKey) }
    }

    /// Posts one JSON array.
    private func send(_ entries: ArraySlice<[UInt8]>, apiKey: String) async -> DeliveryOutcome {
        var body: [UInt8] = []
        body.reserveCapacity(entries.reduce(2) { $0 + $1.count + 1 })
        body.append(UInt8(ascii: "["))
        for (offset, entry) in entries.enumerated() {
            if offset > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: entry)
        }
        body.append(UInt8(ascii: "]"))
        var headers: [(name: String, value: String)] = [
            ("DD-API-KEY", apiKey),
            ("Content-Type", "application/json"),
        ]
        if configuration.gzip {
            body = Gzip.compress(body, level: .fastest)
            headers.append(("Content-Encoding", "gzip"))
        }
        let request = OutboundRequest(
            method: "POST", url: url, headers: headers, body: body, timeout: configuration.requestTimeout)
        do {
            return DatadogLogsResponse.outcome(for: try await transport.send(request))
        } catch {
            return .transportFailure(error)
        }
    }
}
