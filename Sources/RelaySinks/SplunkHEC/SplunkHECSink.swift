import Logging
import RelayCore
import RelayHTTP

/// Delivers batches to Splunk's HTTP Event Collector (`/services/collector/event`). A batch counts
/// as delivered only when HEC answered code 0.
public struct SplunkHECSink: Sink {
    public let configuration: SplunkHECSinkConfiguration
    private let transport: HTTPTransport
    private let encoder: SplunkHECEncoder
    private let url: String

    public init(configuration: SplunkHECSinkConfiguration, transport: HTTPTransport) {
        self.configuration = configuration
        self.transport = transport
        self.encoder = SplunkHECEncoder(configuration: configuration)
        var base = configuration.endpoint
        while base.hasSuffix("/") { base.removeLast() }
        self.url = base + "/services/collector/event"
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        let body = encoder.encode(entries)
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Splunk \(configuration.token)"),
            ("Content-Type", "application/json"),
        ]
        let payload: [UInt8]
        if configuration.gzip {
            payload = Gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        } else {
            payload = body
        }
        let request = OutboundRequest(method: "POST", url: url, headers: headers, body: payload, timeout: configuration.requestTimeout)
        do {
            let response = try await transport.send(request)
            return SplunkHECResponse.outcome(for: response, index: configuration.index)
        } catch {
            return .retriable(reason: error.message, retryAfter: nil)
        }
    }
}
