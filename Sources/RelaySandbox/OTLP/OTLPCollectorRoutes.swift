import HTTPTypes
import Hummingbird
import RelayCore

/// The collector's HTTP surface: `POST /v1/logs`. Failures carry a `google.rpc.Status` JSON body
/// (`{"code":..,"message":..}`), as the OTLP/HTTP specification requires.
extension OTLPCollectorEmulator: SandboxEmulator {
    var sandboxName: String { "otlp" }

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("/v1/logs") { request, _ in try await self.receiveLogs(request) }
        addFaultRoutes(to: router)
        return router
    }

    /// A `Status` answer; `code` is the gRPC code (3 INVALID_ARGUMENT, 7 PERMISSION_DENIED,
    /// 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, 16 UNAUTHENTICATED).
    private static func status(_ http: Int, code: Int, _ message: String, retryAfter: Int? = nil) -> Response {
        var response = SandboxHTTP.json(
            .init(code: http), ["code": .number(JSONNumber(code)), "message": .string(message)])
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    private func receiveLogs(_ request: Request) async throws -> Response {
        let (fault, revoked, refused, dropped) = state.withLock { state in
            state.stats.requests += 1
            let fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            if let fault, fault != .pass { state.stats.faultsServed += 1 }
            return (fault, state.revokedKeys, state.refusedEventIDs, state.droppedEventIDs)
        }
        switch fault {
        case .tooManyRequests(let seconds)?: return Self.status(429, code: 8, "rate limited", retryAfter: seconds)
        case .unavailable(let seconds)?: return Self.status(503, code: 14, "collector unavailable", retryAfter: seconds)
        case .badRequest?: return Self.status(400, code: 3, "request could not be decoded")
        case .dropConnection?: return SandboxHTTP.dropConnection()
        case .pass?, nil: break
        }
        if let header = configuration.apiKeyHeader {
            guard let key = request.headers[HTTPField.Name(header)!], configuration.apiKeys.contains(key) else {
                return reject(401, code: 16, "missing or unknown API key in \(header)")
            }
            if revoked.contains(key) { return reject(403, code: 7, "API key revoked") }
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            return reject(415, code: 3, "unsupported content type; this collector emulates OTLP/JSON only")
        }
        let body: [UInt8]
        switch try await ContentDecoding.body(of: request, maxBytes: configuration.maxRequestBytes) {
        case .success(let bytes): body = bytes
        case .failure(.tooLarge):
            return reject(413, code: 8, "request body exceeds \(configuration.maxRequestBytes) bytes")
        case .failure(.undecodable): return reject(400, code: 3, "body cannot be decompressed")
        }
        guard let json = try? JSONParser.parse(body) else { return reject(400, code: 3, "body is not JSON") }
        let records: [OTLPStoredLogRecord]
        do {
            records = try OTLPLogsRequestShape.records(of: json)
        } catch {
            return reject(400, code: 3, error.message)
        }
        if records.contains(where: { $0.eventID.map(refused.contains) == true }) {
            return reject(400, code: 3, "a log record cannot be processed")
        }
        let kept = records.filter { $0.eventID.map(dropped.contains) != true }
        store(kept, dropped: records.count - kept.count)
        guard kept.count < records.count else { return SandboxHTTP.json(.ok, ["partialSuccess": [:]]) }
        let partial: JSONValue = [
            "rejectedLogRecords": .string(String(records.count - kept.count)),
            "errorMessage": "log records refused by the collector's processing",
        ]
        return SandboxHTTP.json(.ok, ["partialSuccess": partial])
    }

    private func reject(_ http: Int, code: Int, _ message: String) -> Response {
        state.withLock { $0.stats.rejectedRequests += 1 }
        return Self.status(http, code: code, message)
    }
}
