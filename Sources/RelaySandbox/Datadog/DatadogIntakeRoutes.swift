import HTTPTypes
import Hummingbird
import RelayCore

/// The intake's HTTP surface: `POST /api/v2/logs`.
extension DatadogIntakeEmulator: SandboxEmulator {
    var sandboxName: String { "datadog" }
    static let apiKeyHeader = HTTPField.Name("DD-API-KEY")!

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("/api/v2/logs") { request, _ in try await self.receiveLogs(request) }
        addFaultRoutes(to: router)
        return router
    }

    private static func error(_ status: Int, _ title: String, _ detail: String) -> Response {
        let body: JSONValue = [
            "errors": [["status": .string(String(status)), "title": .string(title), "detail": .string(detail)]]
        ]
        return SandboxHTTP.json(.init(code: status), body)
    }

    private func receiveLogs(_ request: Request) async throws -> Response {
        let (fault, revoked, refused) = state.withLock { state -> (DatadogFault?, Set<String>, Set<String>) in
            state.stats.requests += 1
            guard !state.faults.isEmpty else { return (nil, state.revokedKeys, state.refusedEventIDs) }
            let fault = state.faults.removeFirst()
            if fault != .pass { state.stats.faultsServed += 1 }
            return (fault, state.revokedKeys, state.refusedEventIDs)
        }
        switch fault {
        case .tooManyRequests(let seconds)?:
            var response = Self.error(429, "Too Many Requests", "rate limit exceeded")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .internalError?: return Self.error(500, "Internal Server Error", "internal error")
        case .unavailable?: return Self.error(503, "Service Unavailable", "intake unavailable")
        case .badRequest?: return Self.error(400, "Bad Request", "malformed request body")
        case .requestTimeout?: return Self.error(408, "Request Timeout", "request timed out")
        case .payloadTooLarge?: return Self.error(413, "Payload Too Large", "request body too large")
        case .dropConnection?: return SandboxHTTP.dropConnection()
        case .pass?, nil: break
        }
        guard let key = request.headers[Self.apiKeyHeader], !key.isEmpty else {
            return reject(401, "Unauthorized", "missing DD-API-KEY header")
        }
        guard configuration.apiKeys.contains(key), !revoked.contains(key) else {
            return reject(403, "Forbidden", "invalid API key")
        }
        let body: [UInt8]
        switch try await ContentDecoding.body(of: request, maxBytes: configuration.maxRequestBytes) {
        case .success(let bytes): body = bytes
        case .failure(.tooLarge):
            return reject(413, "Payload Too Large", "request body exceeds \(configuration.maxRequestBytes) bytes")
        case .failure(.undecodable): return reject(400, "Bad Request", "body cannot be decompressed")
        }
        let items: [JSONValue]
        switch try? JSONParser.parse(body) {
        case .array(let values)?: items = values
        case .object(let object)?: items = [.object(object)]
        default: return reject(400, "Bad Request", "body is not a JSON array or object")
        }
        guard items.count <= configuration.maxEntries else {
            return reject(400, "Bad Request", "more than \(configuration.maxEntries) logs in one request")
        }
        if items.contains(where: { $0.objectValue?["event_id"]?.stringValue.map(refused.contains) == true }) {
            return reject(400, "Bad Request", "a log cannot be parsed")
        }
        let now = clock.now
        let oldest = now.advanced(by: .zero - configuration.maxAge)
        let newest = now.advanced(by: configuration.maxLead)
        var stored: [DatadogStoredLog] = []
        var dropped = 0
        for item in items {
            guard let object = item.objectValue else { return reject(400, "Bad Request", "a log is not a JSON object") }
            if let time = Self.time(of: object), time < oldest || time > newest {
                dropped += 1
                continue
            }
            stored.append(storedLog(object))
        }
        store(stored, droppedForAge: dropped)
        return SandboxHTTP.json(.accepted, .object(JSONObject()))
    }

    private func reject(_ status: Int, _ title: String, _ detail: String) -> Response {
        state.withLock { $0.stats.rejectedRequests += 1 }
        return Self.error(status, title, detail)
    }

    /// The log as stored: whole, or truncated past the per-log limit (reserved attributes kept,
    /// `message` cut, other attributes dropped except `event_id`).
    private func storedLog(_ object: JSONObject) -> DatadogStoredLog {
        let size = JSONWriter.encode(.object(object)).count
        guard size > configuration.maxLogBytes else { return DatadogStoredLog(fields: object, receivedBytes: size) }
        var kept = JSONObject()
        for member in object {
            switch member.key {
            case "message":
                let text = member.value.stringValue ?? ""
                kept.append(
                    key: "message", value: .string(String(text.utf8.prefix(configuration.maxLogBytes / 2)) ?? ""))
            case "ddsource", "ddtags", "hostname", "service", "status", "event_id", "timestamp":
                kept.append(key: member.key, value: member.value)
            default:
                continue
            }
        }
        return DatadogStoredLog(fields: kept, truncated: true, receivedBytes: size)
    }

    /// The log's own time: `timestamp` or `date`, ISO 8601 or epoch milliseconds.
    private static func time(of object: JSONObject) -> WallInstant? {
        for key in ["timestamp", "date"] {
            guard let value = object[key], let timestamp = try? Timestamp.parse(value) else { continue }
            return WallInstant(timestamp)
        }
        return nil
    }
}
