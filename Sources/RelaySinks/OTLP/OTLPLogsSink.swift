import Logging
import RelayCore
import RelayHTTP
import Synchronization

/// Records an OTLP server accepted the request of but dropped, by its `partialSuccess` answer.
public struct OTLPPartialSuccessCounts: Sendable, Equatable {
    /// Requests answered with `rejectedLogRecords > 0`.
    public var requests = 0
    /// The sum of their `rejectedLogRecords`.
    public var rejectedRecords = 0
    /// Both counts zero.
    public init() {}
}

/// Delivers batches to an OpenTelemetry collector or backend over OTLP/HTTP with the JSON encoding
/// (see ``OTLPLogsEncoder`` for the mapping and ``OTLPLogsResponse`` for the answers).
///
/// A 200 whose `partialSuccess` reports rejected records settles the batch as delivered: the
/// server does not say which records it dropped, and the specification forbids sending them again,
/// so nothing can be resent or dead-lettered without duplicating the accepted ones. The count and
/// the server's `errorMessage` are logged (warning) and kept in ``partialSuccess``.
public struct OTLPLogsSink: Sink {
    /// The configuration the sink was built with.
    public let configuration: OTLPLogsSinkConfiguration
    private let transport: HTTPTransport
    private let encoder: OTLPLogsEncoder
    private let logger: Logger
    private let counts = PartialSuccessCounter()

    /// - Parameter logger: reports records the server dropped (counts and its message, never payloads).
    public init(configuration: OTLPLogsSinkConfiguration, transport: HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.encoder = OTLPLogsEncoder(serviceName: configuration.serviceName)
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(configuration.name)"
        self.logger = logger
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    /// Records dropped by the server's partial successes so far.
    public var partialSuccess: OTLPPartialSuccessCounts { counts.state.withLock { $0 } }

    /// A rejected credential header is re-read at once and the batch resent when any changed.
    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        var body = encoder.encode(entries)
        if configuration.gzip { body = Gzip.compress(body, level: .fastest) }
        let used = configuration.headers.mapValues(\.value)
        let outcome = await send(body, headers: used, count: entries.count)
        guard case .credentialRejected(let reason) = outcome else { return outcome }
        var changed = false
        for (name, credential) in configuration.headers where await credential.reread(afterRejecting: used[name] ?? "")
        {
            changed = true
        }
        guard changed else { return .credentialRejected(reason: reason + Self.secretNote(configuration.headers)) }
        return await send(body, headers: configuration.headers.mapValues(\.value), count: entries.count)
    }

    /// Posts one request and turns the answer into the batch's fate.
    private func send(_ body: [UInt8], headers extra: [String: String], count: Int) async -> DeliveryOutcome {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if configuration.gzip { headers.append(("Content-Encoding", "gzip")) }
        headers += extra.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let request = OutboundRequest(
            method: "POST", url: configuration.logsURL, headers: headers, body: body,
            timeout: configuration.requestTimeout)
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .transportFailure(error)
        }
        switch OTLPLogsResponse(response).verdict {
        case .accepted(let rejected, let message):
            if rejected > 0 { notePartialSuccess(rejected: rejected, of: count, message: message) }
            return .delivered
        case .refusedRequest(let reason):
            // One record can make the server refuse the request (a value it cannot take, a record
            // too large): the worker bisects the batch until the records at fault stand alone.
            return count > 1 ? .poisoned(index: nil, reason: reason) : .rejected(reason: reason)
        case .outcome(let outcome):
            return outcome
        }
    }

    private func notePartialSuccess(rejected: Int, of count: Int, message: String) {
        counts.state.withLock { counts in
            counts.requests += 1
            counts.rejectedRecords += rejected
        }
        logger.warning(
            "OTLP server accepted the request but dropped some log records",
            metadata: [
                "ccrelay.rejected": "\(rejected)", "ccrelay.events": "\(count)",
                "ccrelay.server_message": "\(message.prefix(300))",
            ])
    }

    /// Names the secret references among the headers, for a rejection that re-reading did not fix.
    private static func secretNote(_ headers: [String: Credential]) -> String {
        let references = headers.values.compactMap(\.reference).sorted()
        guard !references.isEmpty else { return "" }
        return
            " [\(references.map { "secret \($0)" }.joined(separator: ", ")), re-read after the rejection: no newer value]"
    }
}

/// Shared, mutable counts behind the sink value (copies of a sink count together).
final class PartialSuccessCounter: Sendable {
    let state = Mutex(OTLPPartialSuccessCounts())
}
