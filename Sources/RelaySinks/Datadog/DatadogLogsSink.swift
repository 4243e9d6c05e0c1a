import Logging
import RelayCore
import RelayHTTP
import Synchronization

/// Events kept away from Datadog because the intake would drop them for their age.
public struct DatadogOutOfWindowCounts: Sendable, Equatable {
    /// Handed to the configured fallback sink.
    public var rerouted = 0
    /// Dead-lettered because no fallback sink is configured.
    public var deadLettered = 0
    /// Both counts zero.
    public init() {}
}

/// Delivers batches to the Datadog Logs v2 intake as JSON arrays (see ``DatadogLogsEncoder`` for
/// the mapping). Events older than 18 h or more than 2 h ahead of the injected clock are never
/// sent: Datadog would answer 202 and drop them. They go to the `fallback` sink (a `.partial`
/// outcome with `rerouted`), else to dead letters with the reason, and are counted. A batch larger
/// than one request allows (1000 entries, 5 MB) is sent as several requests.
public struct DatadogLogsSink: Sink {
    /// The configuration the sink was built with.
    public let configuration: DatadogLogsSinkConfiguration
    private let transport: HTTPTransport
    private let encoder: DatadogLogsEncoder
    private let clock: any WallClock
    private let logger: Logger
    private let counts = OutOfWindowCounter()
    private let url: String

    /// - Parameters:
    ///   - clock: decides which events are outside Datadog's time window.
    ///   - logger: reports events kept from Datadog (counts only, never payloads).
    ///   - encoder: defaults to a ``DatadogLogsEncoder`` for `configuration`.
    public init(
        configuration: DatadogLogsSinkConfiguration,
        transport: HTTPTransport,
        clock: any WallClock,
        logger: Logger,
        encoder: DatadogLogsEncoder? = nil
    ) {
        self.configuration = configuration
        self.transport = transport
        self.encoder = encoder ?? DatadogLogsEncoder(configuration: configuration)
        self.clock = clock
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(configuration.name)"
        self.logger = logger
        self.url = configuration.intakeURL
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    /// Events kept from Datadog for their age so far.
    public var outOfWindow: DatadogOutOfWindowCounts { counts.state.withLock { $0 } }

    /// A rejected API key is re-read at once (``Credential/deliver(_:)``) and the batch resent when
    /// it changed (a rejection leaves nothing delivered, so the whole batch is sent again).
    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        await configuration.apiKey.deliver { apiKey in await deliver(entries, apiKey: apiKey) }
    }

    private func deliver(_ entries: [OutboxEntry], apiKey: String) async -> DeliveryOutcome {
        var fates = PartialDelivery()
        let fresh = partitionByAge(entries, into: &fates)
        let outOfWindow = fates.rerouted.count + fates.rejected.count
        if fresh.isEmpty { return reported(fates, outOfWindow: outOfWindow) }

        let encoded = configuration.encoding.entries(fresh).map(encoder.encode)
        let ranges = RequestSplitter.ranges(
            sizes: encoded.map(\.count), maxEntries: DatadogLogsSinkConfiguration.Limits.entriesPerRequest,
            maxBytes: DatadogLogsSinkConfiguration.Limits.requestBytes, overhead: 2, separator: 1)
        // Out-of-window events are sorted again in each half of a bisection.
        return await SplitRequests.deliver(
            ids: fresh.map(\.id), ranges: ranges, batchSize: entries.count, othersSettled: outOfWindow > 0,
            destination: "the Datadog intake", fates: &fates,
            partial: { reported($0, outOfWindow: outOfWindow) }
        ) { range in await send(encoded[range], apiKey: apiKey) }
    }

    /// `.partial(fates)`, counting and logging the out-of-window events it settles. Counted here,
    /// where their fate is final, so a batch retried or bisected does not count them twice.
    private func reported(_ fates: PartialDelivery, outOfWindow: Int) -> DeliveryOutcome {
        guard outOfWindow > 0 else { return .partial(fates) }
        let rerouted = configuration.fallback != nil
        counts.state.withLock { counts in
            if rerouted { counts.rerouted += outOfWindow } else { counts.deadLettered += outOfWindow }
        }
        logger.warning(
            "Events outside Datadog's time window kept from the intake",
            metadata: [
                "ccrelay.events": "\(outOfWindow)",
                "ccrelay.fallback": "\(configuration.fallback ?? "(none: dead letters)")",
            ])
        return .partial(fates)
    }

    /// Entries inside Datadog's window; the others are recorded in `fates` as rerouted or rejected.
    private func partitionByAge(_ entries: [OutboxEntry], into fates: inout PartialDelivery) -> [OutboxEntry] {
        let now = clock.now
        let oldest = now.advanced(by: .zero - DatadogLogsSinkConfiguration.Limits.maxAge)
        let newest = now.advanced(by: DatadogLogsSinkConfiguration.Limits.maxLead)
        var fresh: [OutboxEntry] = []
        fresh.reserveCapacity(entries.count)
        for entry in entries {
            let time = WallInstant(entry.timestamp)
            if time >= oldest, time <= newest {
                fresh.append(entry)
                continue
            }
            if let fallback = configuration.fallback {
                fates.rerouted[entry.id] = fallback
            } else {
                let why = time < oldest ? "older than 18 h" : "more than 2 h ahead"
                fates.rejected[entry.id] =
                    "event time \(entry.timestamp.iso8601) is \(why) of \(now.timestamp.iso8601); Datadog would drop it and no fallback sink is configured"
            }
        }
        return fresh
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

/// Shared, mutable counts behind the sink value (copies of a sink count together).
final class OutOfWindowCounter: Sendable {
    let state = Mutex(DatadogOutOfWindowCounts())
}
