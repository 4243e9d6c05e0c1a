import Logging
import RelayCore
import RelayHTTP

/// Delivers batches to a data collection rule's stream through the Azure Monitor Logs Ingestion
/// API as gzip'd JSON arrays of ``SentinelRowEncoder`` rows. A batch larger than one request allows
/// (1 MB) is sent as several requests.
///
/// The Entra ID token is cached until `expires_in − 60 s` on the injected clock, one fetch at a time
/// (``AccessTokenCache``). A 401 invalidates the token that failed and resends once with a fresh
/// one; a 401 or 403 after that, or a token request Entra ID refuses, is `.credentialRejected`.
public struct SentinelSink: Sink {
    /// The configuration the sink was built with.
    public let configuration: SentinelSinkConfiguration
    private let transport: HTTPTransport
    private let tokens: AccessTokenCache
    private let logger: Logger
    private let url: String

    /// - Parameters:
    ///   - clock: decides when the cached token expires.
    ///   - logger: reports token refreshes after a 401 (never the token).
    public init(
        configuration: SentinelSinkConfiguration, transport: HTTPTransport, clock: any WallClock, logger: Logger
    ) {
        self.configuration = configuration
        self.transport = transport
        let endpoint = SentinelTokenEndpoint(configuration: configuration, transport: transport)
        self.tokens = AccessTokenCache(clock: clock) { () throws(RelayError) in try await endpoint.fetch() }
        var logger = logger
        logger[metadataKey: "ccrelay.sink"] = "\(configuration.name)"
        self.logger = logger
        self.url = configuration.ingestionURL
    }

    public var name: String { configuration.name }
    public var batch: BatchConfiguration { configuration.batch }
    public var retry: RetryPolicy { configuration.retry }

    /// Token requests made so far (for tests and metrics).
    public var tokenFetches: Int { get async { await tokens.fetchCount } }

    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        let rows = entries.map(SentinelRowEncoder.encode)
        let ranges = RequestSplitter.ranges(
            sizes: rows.map(\.count), maxEntries: .max, maxBytes: SentinelSinkConfiguration.Limits.requestBytes,
            overhead: 2, separator: 1)
        var fates = PartialDelivery()
        return await SplitRequests.deliver(
            ids: entries.map(\.id), ranges: ranges, batchSize: entries.count, destination: "the Logs Ingestion API",
            fates: &fates
        ) { range in await send(SentinelRowEncoder.array(of: Array(rows[range]))) }
    }

    /// Asks Entra ID for a token; the Logs Ingestion API has no read-only call to try it on.
    public func checkCredential() async -> CredentialStatus {
        do {
            _ = try await tokens.authorization()
            return .valid
        } catch  where error.code == .authentication {
            return .rejected(reason: error.message)
        } catch {
            return .unknown(reason: error.message)
        }
    }

    /// Posts one JSON array with the current token; a 401 refreshes the token once and resends.
    private func send(_ body: [UInt8]) async -> DeliveryOutcome {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        var body = body
        if configuration.gzip {
            body = Gzip.compress(body, level: .fastest)
            headers.append(("Content-Encoding", "gzip"))
        }
        var refreshed = false
        while true {
            let authorization: String
            do {
                authorization = try await tokens.authorization()
            } catch {
                return error.code == .authentication
                    ? .credentialRejected(reason: error.message)
                    : .retriable(reason: error.message, retryAfter: error.retryAfter)
            }
            let request = OutboundRequest(
                method: "POST", url: url, headers: headers + [("Authorization", authorization)], body: body,
                timeout: configuration.requestTimeout)
            let response: InboundResponse
            do {
                response = try await transport.send(request)
            } catch {
                return .transportFailure(error)
            }
            if response.status == 401, !refreshed {
                refreshed = true
                await tokens.invalidate(authorization)
                logger.debug("Logs Ingestion API rejected the token; fetching a new one")
                continue
            }
            return SentinelResponse.outcome(for: response)
        }
    }
}
