import HTTPTypes
import Hummingbird
import RelayCore

/// How an injected asynchronous query ends instead of `Succeeded`.
public enum GenesysAsyncOutcome: String, Sendable {
    case failed = "Failed"
    case cancelled = "Cancelled"
}

/// One asynchronous audit query: its result set is fixed when it is submitted (records visible
/// then, of its service, in its interval, passing its filters, by event date), and it ends after
/// ``GenesysOrgConfiguration/asyncQueryPolls`` state polls and ``GenesysOrgConfiguration/asyncQueryDuration``.
struct AsyncTransaction: Sendable {
    var submittedAt: WallInstant
    var polls = 0
    var outcome: GenesysAsyncOutcome?
    var results: [JSONObject]

    func state(configuration: GenesysOrgConfiguration, now: WallInstant) -> String {
        let finished =
            polls >= configuration.asyncQueryPolls
            && submittedAt.duration(to: now) >= configuration.asyncQueryDuration
        if finished { return outcome?.rawValue ?? "Succeeded" }
        return polls == 0 ? "Queued" : "Running"
    }
}

extension GenesysOrgEmulator {
    /// Default `pageSize` of the results call.
    static let asyncDefaultPageSize = 25

    /// `POST /api/v2/audits/query`: validates like the realtime query, plus the 31-day limit.
    func submitAsyncQuery(_ request: Request) async throws -> Response {
        let (headers, contextID): (HTTPFields, String)
        switch admit(request) {
        case .rejected(let response): return response
        case .admitted(let admittedHeaders, let id): (headers, contextID) = (admittedHeaders, id)
        }
        func badRequest(_ message: String) -> Response {
            let body = GenesysWire.errorBody(status: 400, code: "bad.request", message: message, contextID: contextID)
            return SandboxHTTP.json(.badRequest, body, headers: headers)
        }
        guard let bytes = try await SandboxHTTP.readBody(request), let body = try? JSONParser.parse(bytes) else {
            return badRequest("The request could not be understood by the server due to malformed syntax.")
        }
        let query: GenesysRealtimeQuery
        do {
            query = try GenesysRealtimeQuery.parse(body, services: configuration.asyncServices, maxPageSize: Int.max)
        } catch {
            return badRequest(error.message)
        }
        let span = query.end.millisecondsSinceEpoch - query.start.millisecondsSinceEpoch
        guard span <= 31 * 86_400_000 else {
            return badRequest("The interval must not exceed 31 days.")
        }
        let now = clock.now
        return state.withLock { state in
            state.stats.asyncQueries += 1
            materializeHistory(&state, serviceName: query.serviceName, from: query.start, to: query.end)
            var matched = state.records.filter { record in
                record.serviceName == query.serviceName && record.visibleAt <= now
                    && query.matches(record.object, eventDate: record.eventDate)
            }
            matched.sort { ($0.eventDate, $0.sequence) < ($1.eventDate, $1.sequence) }
            let id = state.correlationGenerator.uuid()
            let outcome = state.pendingAsyncOutcomes.isEmpty ? nil : state.pendingAsyncOutcomes.removeFirst()
            state.transactions[id] = AsyncTransaction(
                submittedAt: now, outcome: outcome, results: matched.map(\.object))
            return SandboxHTTP.json(.accepted, ["id": .string(id), "state": "Queued"], headers: headers)
        }
    }

    /// `GET /api/v2/audits/query/{id}`: each poll moves the transaction on.
    func asyncQueryState(_ request: Request, id: String) -> Response {
        let (headers, contextID): (HTTPFields, String)
        switch admit(request) {
        case .rejected(let response): return response
        case .admitted(let admittedHeaders, let context): (headers, contextID) = (admittedHeaders, context)
        }
        let now = clock.now
        let configuration = configuration
        return state.withLock { state in
            state.stats.asyncStatePolls += 1
            guard var transaction = state.transactions[id] else {
                return Self.notFound(id, contextID: contextID, headers: headers)
            }
            transaction.polls += 1
            state.transactions[id] = transaction
            let body: JSONValue = [
                "id": .string(id), "state": .string(transaction.state(configuration: configuration, now: now)),
                "startDate": .string(transaction.submittedAt.timestamp.iso8601),
            ]
            return SandboxHTTP.json(.ok, body, headers: headers)
        }
    }

    /// `GET /api/v2/audits/query/{id}/results?cursor=&pageSize=&expand=user`.
    func asyncQueryResults(_ request: Request, id: String) -> Response {
        let (headers, contextID): (HTTPFields, String)
        switch admit(request) {
        case .rejected(let response): return response
        case .admitted(let admittedHeaders, let context): (headers, contextID) = (admittedHeaders, context)
        }
        func badRequest(_ message: String) -> Response {
            let body = GenesysWire.errorBody(status: 400, code: "bad.request", message: message, contextID: contextID)
            return SandboxHTTP.json(.badRequest, body, headers: headers)
        }
        let parameters = request.uri.queryParameters
        let pageSizeText = parameters.first { $0.key == "pageSize" }.map { String($0.value) }
        let pageSize = pageSizeText.map { Int($0) ?? -1 } ?? Self.asyncDefaultPageSize
        guard (1...500).contains(pageSize) else { return badRequest("pageSize must be between 1 and 500.") }
        let cursor = parameters.first { $0.key == "cursor" }.map { String($0.value) }
        let expandUser = parameters.contains { $0.key == "expand" && $0.value.split(separator: ",").contains("user") }
        let now = clock.now
        let configuration = configuration
        return state.withLock { state in
            guard let transaction = state.transactions[id] else {
                return Self.notFound(id, contextID: contextID, headers: headers)
            }
            guard transaction.state(configuration: configuration, now: now) == "Succeeded" else {
                return badRequest("The audit query \(id) has not succeeded.")
            }
            var offset = 0
            if let cursor {
                guard cursor.hasPrefix(id + "."), let value = Int(cursor.dropFirst(id.count + 1)),
                    (0...transaction.results.count).contains(value)
                else { return badRequest("The cursor is not valid for this query.") }
                offset = value
            }
            state.stats.asyncResultPages += 1
            let end = min(offset + pageSize, transaction.results.count)
            let entities: [JSONValue] = transaction.results[offset..<end].map { record in
                var record = record
                if !expandUser, var user = record["user"]?.objectValue {
                    user["name"] = nil
                    record["user"] = .object(user)
                }
                return .object(record)
            }
            var body = JSONObject([
                "id": .string(id), "pageSize": .number(JSONNumber(pageSize)), "entities": .array(entities),
            ])
            if end < transaction.results.count { body["cursor"] = .string("\(id).\(end)") }
            return SandboxHTTP.json(.ok, .object(body), headers: headers)
        }
    }

    private static func notFound(_ id: String, contextID: String, headers: HTTPFields) -> Response {
        let body = GenesysWire.errorBody(
            status: 404, code: "not.found", message: "The audit query \(id) was not found.", contextID: contextID)
        return SandboxHTTP.json(.notFound, body, headers: headers)
    }
}
