import HTTPTypes
import Hummingbird
import RelayCore

/// The org's HTTP surface on one base URL: the login host's `/oauth/token` and the API host's
/// audit routes, so a client configured with only a base URL works.
extension GenesysOrgEmulator: SandboxEmulator {
    var sandboxName: String { "genesys" }

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("/oauth/token") { request, _ in try await self.issueToken(request) }
        router.get("/api/v2/audits/query/servicemapping") { request, _ in
            self.serviceMapping(request, services: self.configuration.asyncServices)
        }
        router.get("/api/v2/audits/query/realtime/servicemapping") { request, _ in
            self.serviceMapping(request, services: self.configuration.services)
        }
        router.post("/api/v2/audits/query/realtime") { request, _ in try await self.realtimeQuery(request) }
        router.post("/api/v2/audits/query") { request, _ in try await self.submitAsyncQuery(request) }
        router.get("/api/v2/audits/query/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard id == "servicemapping" else { return self.asyncQueryState(request, id: id) }
            return self.serviceMapping(request, services: self.configuration.asyncServices)
        }
        router.get("/api/v2/audits/query/:id/results") { request, context in
            self.asyncQueryResults(request, id: context.parameters.get("id") ?? "")
        }
        addFaultRoutes(to: router)
        return router
    }

    // MARK: OAuth

    private func issueToken(_ request: Request) async throws -> Response {
        let form = GenesysWire.parseForm(try await SandboxHTTP.readBody(request) ?? [])
        var credentials = SandboxHTTP.credentials(request, scheme: "Basic").flatMap(GenesysWire.basicCredentials)
        if credentials == nil, let id = form["client_id"], let secret = form["client_secret"] {
            credentials = (id, secret)
        }
        let now = clock.now
        let configuration = configuration
        return state.withLock { state in
            state.stats.tokenRequests += 1
            guard let credentials, credentials.id == configuration.clientID,
                credentials.secret == configuration.clientSecret
            else {
                state.stats.unauthorizedResponses += 1
                return SandboxHTTP.json(
                    .unauthorized, GenesysWire.oauthError("invalid_client", "client authentication failed"))
            }
            guard let grant = form["grant_type"] else {
                return SandboxHTTP.json(
                    .badRequest, GenesysWire.oauthError("invalid_request", "grant_type is required"))
            }
            guard grant == "client_credentials" else {
                return SandboxHTTP.json(
                    .badRequest,
                    GenesysWire.oauthError("unsupported_grant_type", "grant type is not supported for this client")
                )
            }
            let token = state.tokenGenerator.base64URL(count: 86)
            state.tokens[token] = now.advanced(by: configuration.tokenLifetime)
            return SandboxHTTP.json(
                .ok,
                [
                    "access_token": .string(token),
                    "token_type": "bearer",
                    "expires_in": .number(JSONNumber(configuration.tokenLifetime.components.seconds)),
                ]
            )
        }
    }

    // MARK: API gate

    /// Whether an API request may proceed, with the headers every API response carries.
    enum Admission {
        case rejected(Response)
        case admitted(headers: HTTPFields, contextID: String)
    }

    /// Counts the request, checks its bearer token, the daily limit, any injected rate limit and
    /// (when enforced) the token's per-minute budget.
    func admit(_ request: Request) -> Admission {
        let bearer = SandboxHTTP.credentials(request, scheme: "Bearer").map(String.init)
        let now = clock.now
        let configuration = configuration
        return state.withLock { state in
            state.stats.apiRequests += 1
            if let until = state.retryAfterUntil, now < until { state.stats.requestsDuringRetryAfter += 1 }
            let contextID = state.correlationGenerator.uuid()
            var (headers, overBudget, windowLeft) = Self.rateLimitHeaders(
                &state, token: bearer ?? "", now: now, configuration: configuration)
            headers[GenesysWire.correlationID] = contextID
            guard let bearer else {
                state.stats.unauthorizedResponses += 1
                let message = "No authentication bearer token specified in authorization header."
                let body = GenesysWire.errorBody(
                    status: 401, code: "bad.credentials", message: message, contextID: contextID)
                return .rejected(SandboxHTTP.json(.unauthorized, body, headers: headers))
            }
            guard let expiry = state.tokens[bearer], now < expiry else {
                state.stats.unauthorizedResponses += 1
                let body = GenesysWire.errorBody(
                    status: 401, code: "bad.credentials", message: "Invalid login credentials.", contextID: contextID
                )
                return .rejected(SandboxHTTP.json(.unauthorized, body, headers: headers))
            }
            if !state.transientStatuses.isEmpty {
                let status = state.transientStatuses.removeFirst()
                state.stats.transientFailures += 1
                let body = GenesysWire.errorBody(
                    status: status, code: "service.unavailable",
                    message: "The service is currently unavailable. Please try again later.", contextID: contextID)
                return .rejected(SandboxHTTP.json(HTTPResponse.Status(code: status), body, headers: headers))
            }
            var refusal: (key: String, seconds: Int, value: Int)?
            if let until = state.dailyLimitUntil, now < until {
                refusal = ("token.rate.per.day", max(1, Int(now.duration(to: until).seconds.rounded(.up))), 50_000)
            } else if state.rateLimitRemaining > 0 {
                state.rateLimitRemaining -= 1
                refusal = ("token.rate.per.minute", state.retryAfterSeconds, configuration.rateLimitPerMinute)
            } else if overBudget {
                refusal = ("token.rate.per.minute", windowLeft, configuration.rateLimitPerMinute)
            }
            if let refusal {
                state.stats.rateLimitedResponses += 1
                let until = now.advanced(by: .seconds(refusal.seconds))
                state.retryAfterUntil = max(state.retryAfterUntil ?? until, until)
                headers[GenesysWire.retryAfter] = String(refusal.seconds)
                let limit: JSONValue = [
                    "key": .string(refusal.key), "namespace": "platform.api",
                    "value": .number(JSONNumber(refusal.value)),
                ]
                let body = GenesysWire.errorBody(
                    status: 429, code: "too.many.requests",
                    message: "Rate limit exceeded the maximum. [\(refusal.value)] requests for \(refusal.key)",
                    contextID: contextID, limit: limit
                )
                return .rejected(SandboxHTTP.json(.tooManyRequests, body, headers: headers))
            }
            return .admitted(headers: headers, contextID: contextID)
        }
    }

    /// `inin-ratelimit-*` for the token's fixed one-minute window opened by its first request;
    /// also whether the request is over an enforced budget and the seconds left in the window.
    private static func rateLimitHeaders(
        _ state: inout State, token: String, now: WallInstant, configuration: GenesysOrgConfiguration
    ) -> (HTTPFields, Bool, Int) {
        var window = state.windows[token] ?? (now, 0)
        if !(now >= window.start && now < window.start.advanced(by: .seconds(60))) { window = (now, 0) }
        window.count += 1
        state.windows[token] = window
        let remaining = now.duration(to: window.start.advanced(by: .seconds(60)))
        let resetSeconds = max(1, Int((remaining.seconds).rounded(.up)))
        let headers: HTTPFields = [
            GenesysWire.rateLimitCount: String(window.count),
            GenesysWire.rateLimitAllowed: String(configuration.rateLimitPerMinute),
            GenesysWire.rateLimitReset: String(resetSeconds),
        ]
        let over = configuration.enforcesRateLimit && window.count > configuration.rateLimitPerMinute
        return (headers, over, resetSeconds)
    }

    // MARK: Audit routes

    /// An `AuditQueryServiceMapping` of `services` (the realtime or the asynchronous list).
    func serviceMapping(_ request: Request, services: [String]) -> Response {
        let headers: HTTPFields
        switch admit(request) {
        case .rejected(let response): return response
        case .admitted(let admittedHeaders, _): headers = admittedHeaders
        }
        let mapping: [JSONValue] = services.map { name in
            let entities = (GenesysOrgCast.serviceCatalog[name] ?? []).map { entry -> JSONValue in
                ["name": .string(entry.entity), "actions": .array(entry.actions.map(JSONValue.string))]
            }
            return ["name": .string(name), "entities": .array(entities)]
        }
        return SandboxHTTP.json(.ok, ["services": .array(mapping)], headers: headers)
    }

    private func realtimeQuery(_ request: Request) async throws -> Response {
        let headers: HTTPFields
        let contextID: String
        switch admit(request) {
        case .rejected(let response): return response
        case .admitted(let admittedHeaders, let id): (headers, contextID) = (admittedHeaders, id)
        }
        let injected = state.withLock { state -> MalformedPage? in
            state.stats.realtimeQueries += 1
            return state.malformedPages.isEmpty ? nil : state.malformedPages.removeFirst()
        }
        switch injected {
        case .invalidJSON:
            let truncated = #"{"entities":[{"id":"9f1c2e4a-7b3d-4c8e-a1f0-"# + #"5d6e7f8a9b0c","userHomeOrgId":"#
            return SandboxHTTP.raw(.ok, Array(truncated.utf8), headers: headers)
        case .missingEntities:
            return SandboxHTTP.raw(.ok, Array(#"{"pageSize":25,"pageNumber":1}"#.utf8), headers: headers)
        case nil:
            break
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
            query = try GenesysRealtimeQuery.parse(
                body, services: configuration.services, maxPageSize: configuration.maxPageSize
            )
        } catch {
            return badRequest(error.message)
        }
        if let retention = configuration.realtimeRetention,
            WallInstant(query.start) < clock.now.advanced(by: .zero - retention)
        {
            return badRequest(
                "interval starts earlier than the realtime query serves; use the asynchronous audit query.")
        }
        let expandUser = request.uri.queryParameters.contains { parameter in
            parameter.key == "expand" && parameter.value.split(separator: ",").contains("user")
        }
        let page = self.page(for: query, now: clock.now)
        var out = Array(#"{"entities":["#.utf8)
        for (index, var record) in page.records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if !expandUser, var user = record["user"]?.objectValue {
                user["name"] = nil
                record["user"] = .object(user)
            }
            JSONWriter.write(.object(record), into: &out)
        }
        if let raw = page.malformed {
            if !page.records.isEmpty { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: raw.utf8)
        }
        let pageCount = (page.total + query.pageSize - 1) / query.pageSize
        let trailer =
            #"],"pageSize":\#(query.pageSize),"pageNumber":\#(query.pageNumber),"#
            + #""total":\#(page.total),"pageCount":\#(pageCount)}"#
        out.append(contentsOf: trailer.utf8)
        return SandboxHTTP.raw(.ok, out, headers: headers)
    }

    /// The records of one page: visible at `now`, of the service, in the interval, filtered,
    /// sorted by event date (insertion order breaks ties); plus a pending malformed entity.
    private func page(for query: GenesysRealtimeQuery, now: WallInstant) -> (
        records: [JSONObject], total: Int, malformed: String?
    ) {
        state.withLock { state in
            materializeHistory(&state, serviceName: query.serviceName, from: query.start, to: query.end)
            var matched = state.records.filter { record in
                record.serviceName == query.serviceName && record.visibleAt <= now
                    && query.matches(record.object, eventDate: record.eventDate)
            }
            matched.sort { lhs, rhs in
                if lhs.eventDate != rhs.eventDate {
                    return query.ascending ? lhs.eventDate < rhs.eventDate : lhs.eventDate > rhs.eventDate
                }
                return query.ascending ? lhs.sequence < rhs.sequence : lhs.sequence > rhs.sequence
            }
            let first = (query.pageNumber - 1) * query.pageSize
            let slice = first < matched.count ? matched[first..<min(first + query.pageSize, matched.count)] : []
            var malformed: String?
            if let index = state.pendingMalformed.firstIndex(where: { $0.serviceName == query.serviceName }) {
                malformed = state.pendingMalformed.remove(at: index).rawJSON
            }
            return (slice.map(\.object), matched.count, malformed)
        }
    }
}
