import Logging
import RelayCore
import RelayHTTP

/// Delivers batches to Splunk's HTTP Event Collector (`/services/collector/event`) over one or more
/// endpoints. A batch counts as delivered when HEC answered code 0 or, when the token uses indexer
/// acknowledgement, once its ackId reads true. Cookies an endpoint sets (a load balancer's
/// stickiness cookie) are sent back with every event and ack request to it, so the ack queries reach
/// the indexer that issued the ackIds.
public struct SplunkHECSink: Sink {
    public let configuration: SplunkHECSinkConfiguration
    private let transport: HTTPTransport
    private let encoder: SplunkHECEncoder
    private let bases: [String]
    private let pool: EndpointPool
    private let channel: SplunkHECChannel
    private let cookies: EndpointCookies

    /// - Parameters:
    ///   - store: keeps the sink's channel GUID across restarts.
    ///   - clock: times endpoint cool-downs and cookie expiry.
    public init(
        configuration: SplunkHECSinkConfiguration, transport: HTTPTransport, store: any KeyValueStore,
        clock: any WallClock
    ) {
        self.configuration = configuration
        self.transport = transport
        self.encoder = SplunkHECEncoder(configuration: configuration)
        self.bases = configuration.endpoints.map { endpoint in
            var base = endpoint
            while base.hasSuffix("/") { base.removeLast() }
            return base
        }
        self.pool = EndpointPool(count: max(bases.count, 1), cooldown: configuration.endpointCooldown, clock: clock)
        self.channel = SplunkHECChannel(sink: configuration.name, store: store)
        self.cookies = EndpointCookies(count: max(bases.count, 1), clock: clock)
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }
    public var acknowledgement: AcknowledgementConfiguration? { configuration.acknowledgement }

    /// A rejected token is re-read at once (``Credential/deliver(_:)``) and the batch resent when it changed.
    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        await send(prepare(entries))
    }

    /// Encodes the batch's events and gzips them (unless `gzip: false`): the request body.
    public func prepare(_ entries: [OutboxEntry]) -> PreparedBatch {
        PreparedBatch(entries: entries, body: requestBody(encoder.encode(entries)).bytes)
    }

    public func send(_ batch: PreparedBatch) async -> DeliveryOutcome {
        let body = batch.body ?? prepare(batch.entries).body ?? []
        return await configuration.token.deliver { token in await deliver(body, token: token) }
    }

    private func deliver(_ body: [UInt8], token: String) async -> DeliveryOutcome {
        let endpoint = pool.pick()
        let response: InboundResponse
        do {
            response = try await post(
                path: "/services/collector/event", body: (body, gzipped: configuration.gzip && !body.isEmpty),
                endpoint: endpoint, token: token)
        } catch {
            pool.markFailed(endpoint)
            return .transportFailure(error)
        }
        let outcome = SplunkHECResponse.outcome(for: response, index: configuration.index, endpoint: endpoint)
        if outcome.retryDetails != nil { pool.markFailed(endpoint) } else { pool.markHealthy(endpoint) }
        return outcome
    }

    public func confirm(_ tokens: [AckToken]) async -> AckConfirmation {
        var confirmed: Set<AckToken> = []
        for (endpoint, group) in Dictionary(grouping: tokens, by: \.group) {
            let body = JSONWriter.encode(["acks": .array(group.map { .number(JSONNumber($0.id)) })])
            let response: InboundResponse
            do {
                response = try await post(
                    path: "/services/collector/ack", body: requestBody(body), endpoint: endpoint,
                    token: configuration.token.value)
            } catch {
                return .failed(reason: error.message)
            }
            let answer = SplunkHECResponse.parse(response.body)
            if answer?.code == 14 { return .acknowledgementDisabled }
            guard response.status == 200, let acks = (try? JSONParser.parse(response.body))?["acks"]?.objectValue else {
                return .failed(reason: "ack query answered HTTP \(response.status): \(response.bodySnippet())")
            }
            for token in group where acks[String(token.id)]?.boolValue == true { confirmed.insert(token) }
        }
        return .confirmed(confirmed)
    }

    /// Posts an empty body, as Firehose's own probe does: a valid token gets code 5 (no data), a
    /// bad one code 4 or 1. `/services/collector/health` does not look at tokens.
    public func checkCredential() async -> CredentialStatus {
        await configuration.token.check { token in await checkCredential(token: token) }
    }

    private func checkCredential(token: String) async -> CredentialStatus {
        let endpoint = pool.pick()
        do {
            let response = try await post(
                path: "/services/collector/event", body: ([], gzipped: false), endpoint: endpoint, token: token)
            switch SplunkHECResponse.parse(response.body)?.code {
            case 5?: return .valid
            case let code? where (1...4).contains(code):
                return .rejected(reason: "HEC rejected the token: code \(code)")
            default:
                return .unknown(reason: "unexpected answer HTTP \(response.status): \(response.bodySnippet())")
            }
        } catch {
            return .unknown(reason: error.message)
        }
    }

    /// `body` as sent: gzip-compressed unless `gzip: false` or empty.
    private func requestBody(_ body: [UInt8]) -> (bytes: [UInt8], gzipped: Bool) {
        guard configuration.gzip, !body.isEmpty else { return (body, false) }
        return (Gzip.compress(body, level: .fastest), true)
    }

    /// Posts `body` (as ``requestBody(_:)`` made it) to `path` of `endpoint`.
    private func post(
        path: String, body: (bytes: [UInt8], gzipped: Bool), endpoint: Int, token: String
    ) async throws(RelayError) -> InboundResponse {
        let guid: String
        do {
            guid = try await channel.value()
        } catch {
            throw RelayError(.stateStore, "sink \(name): cannot load its HEC channel: \(error)")
        }
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Splunk \(token)"),
            ("Content-Type", "application/json"),
            ("X-Splunk-Request-Channel", guid),
        ]
        if let cookie = cookies.header(for: endpoint) { headers.append(("Cookie", cookie)) }
        if body.gzipped { headers.append(("Content-Encoding", "gzip")) }
        let url = bases[bases.indices.contains(endpoint) ? endpoint : 0] + path
        let response = try await transport.send(
            OutboundRequest(
                method: "POST", url: url, headers: headers, body: body.bytes, timeout: configuration.requestTimeout))
        cookies.store(response, from: endpoint)
        return response
    }
}
