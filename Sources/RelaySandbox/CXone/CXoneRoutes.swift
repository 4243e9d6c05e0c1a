import HTTPTypes
import Hummingbird
import RelayCore

/// The tenant's HTTP surface on one base URL: the global host's discovery and `/auth/token`, and
/// the API host's admin and reporting routes (discovery names this same host as `api_endpoint`).
extension CXoneTenantEmulator: SandboxEmulator {
    var sandboxName: String { "cxone" }

    static let servicesPath = "/inContactAPI/services/v34.0"

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.get("/.well-known/cxone-configuration") { request, _ in self.discovery(request) }
        router.post("/auth/token") { request, _ in try await self.issueToken(request) }
        for kind in CXoneSandboxEntityKind.allCases {
            router.get("\(Self.servicesPath)/\(kind.rawValue)") { request, _ in self.listEntities(request, kind: kind) }
            router.get("\(Self.servicesPath)/\(kind.rawValue)/:id/audit-history") { request, context in
                self.auditHistory(request, kind: kind, id: context.parameters.get("id") ?? "")
            }
        }
        router.get("\(Self.servicesPath)/agents") { request, _ in self.listAgents(request) }
        router.get("\(Self.servicesPath)/agents/:id/login-history") { request, context in
            self.loginHistory(request, agentID: context.parameters.get("id") ?? "")
        }
        return router
    }

    // MARK: Discovery and token

    private func discovery(_ request: Request) -> Response {
        let query = CXoneWire.query(request)
        state.withLock { $0.stats.discoveryRequests += 1 }
        guard query["tenantId"]?.lowercased() == configuration.tenantID.lowercased() else {
            return CXoneWire.oauthError(.notFound, "not_found", "no tenant with this tenantId")
        }
        let base = "http://" + (request.head.authority ?? "127.0.0.1")
        return SandboxHTTP.json(
            .ok,
            [
                "private": false, "area": "na1", "cluster": "B32", "region": "na1", "domain": "niceincontact.com",
                "globaldomain": "niceincontact.com", "uhDomain": "nicecxone.com", "acdDomain": "incontact.com",
                "tenantId": .string(configuration.tenantID), "api_endpoint": .string(base),
                "auth_endpoint": .string(base), "ui_endpoint": .string(base),
            ]
        )
    }

    private func issueToken(_ request: Request) async throws -> Response {
        let form = GenesysWire.parseForm(try await SandboxHTTP.readBody(request) ?? [])
        let now = clock.now
        let configuration = configuration
        let noStore: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]
        return state.withLock { state in
            state.stats.tokenRequests += 1
            guard let grant = form["grant_type"] else {
                return CXoneWire.oauthError(.badRequest, "invalid_request", "grant_type is required", headers: noStore)
            }
            guard form["client_id"] == configuration.clientID, form["client_secret"] == configuration.clientSecret
            else {
                return CXoneWire.oauthError(
                    .badRequest, "invalid_client", "client authentication failed", headers: noStore)
            }
            guard grant == "password" else {
                return CXoneWire.oauthError(
                    .badRequest, "unsupported_grant_type", "grant type \(grant) is not supported", headers: noStore)
            }
            guard form["username"] == configuration.accessKeyID, form["password"] == configuration.accessKeySecret
            else {
                return CXoneWire.oauthError(
                    .badRequest, "invalid_grant", "the access key is invalid or revoked", headers: noStore)
            }
            let token = state.tokenGenerator.base64URL(count: 120)
            state.tokens[token] = now.advanced(by: configuration.tokenLifetime)
            return SandboxHTTP.json(
                .ok,
                [
                    "access_token": .string(token), "token_type": "Bearer",
                    "expires_in": .number(JSONNumber(configuration.tokenLifetime.components.seconds)),
                    "id_token": .string("eyJ" + state.tokenGenerator.base64URL(count: 60)),
                    "refresh_token": .string(state.tokenGenerator.base64URL(count: 40)),
                    "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                ],
                headers: noStore
            )
        }
    }

    // MARK: API gate

    /// `nil` when the request may proceed; else the 401, 429 or injected 5xx to answer.
    private func admit(_ request: Request) -> Response? {
        let bearer = SandboxHTTP.credentials(request, scheme: "Bearer").map(String.init)
        let now = clock.now
        return state.withLock { state in
            state.stats.apiRequests += 1
            guard let bearer, let expiry = state.tokens[bearer], now < expiry else {
                state.stats.unauthorizedResponses += 1
                return CXoneWire.oauthError(
                    .unauthorized, "invalid_token", "the access token is missing, invalid or expired")
            }
            if state.rateLimitRemaining > 0 {
                state.rateLimitRemaining -= 1
                state.stats.rateLimitedResponses += 1
                return CXoneWire.oauthError(
                    .tooManyRequests, "too_many_requests", "rate limit exceeded",
                    headers: [HTTPField.Name("Retry-After")!: String(state.retryAfterSeconds)]
                )
            }
            if state.transientFailuresRemaining > 0 {
                state.transientFailuresRemaining -= 1
                state.stats.transientFailureResponses += 1
                return CXoneWire.oauthError(
                    HTTPResponse.Status(code: state.transientFailureStatus), "service_unavailable",
                    "the service is temporarily unavailable")
            }
            return nil
        }
    }

    private func requiresSearchString(_ kind: CXoneSandboxEntityKind, history: Bool) -> Bool {
        history ? [.scriptSchedules, .stationProfiles, .unavailableCodes].contains(kind) : kind == .scriptSchedules
    }

    private func parseDate(_ text: String?) -> Result<WallInstant?, CXoneWire.PagingError> {
        guard let text else { return .success(nil) }
        do {
            let timestamp = try Timestamp.parseISO8601(
                text, assumingOffsetSeconds: CXoneWire.assumedOffset(configuration.dateStyle))
            return .success(WallInstant(timestamp))
        } catch {
            return .failure(CXoneWire.PagingError(message: "\(text) is not a valid date-time"))
        }
    }

    // MARK: Entity lists and audit history

    private func listEntities(_ request: Request, kind: CXoneSandboxEntityKind) -> Response {
        if let rejected = admit(request) { return rejected }
        let query = CXoneWire.query(request)
        let path = request.uri.path
        let now = clock.now
        if requiresSearchString(kind, history: false), query["searchString"] == nil {
            return CXoneWire.adminError(.badRequest, message: "searchString is required", path: path, now: now)
        }
        let since: WallInstant?
        let skip: Int
        let top: Int
        switch (parseDate(query["updatedSince"]), CXoneWire.paging(query, maxTop: configuration.maxTop)) {
        case (.success(let date), .success(let paging)): (since, skip, top) = (date, paging.skip, paging.top)
        case (.failure(let error), _), (_, .failure(let error)):
            return CXoneWire.adminError(.badRequest, message: error.message, path: path, now: now)
        }
        let style = configuration.dateStyle
        return state.withLock { state in
            state.stats.listRequests += 1
            let matched = cast.entities.compactMap { entity -> (CXoneTenantCast.Entity, StoredEntity)? in
                guard let stored = state.entities[EntityKey(kind: kind, id: entity.id)], entity.kind == kind,
                    !stored.deleted
                else {
                    return nil
                }
                if let since, stored.lastUpdated < since { return nil }
                return (entity, stored)
            }
            let page = CXoneWire.slice(matched, skip: skip, top: top)
            for (entity, _) in page {
                let key = EntityKey(kind: kind, id: entity.id)
                if state.deleteAfterListing.remove(key) != nil { state.entities[key]?.deleted = true }
            }
            let items = page.map { Self.listItem(kind: kind, id: $0.0.id, stored: $0.1, style: style) }
            return SandboxHTTP.json(
                .ok,
                [
                    "businessUnitId": .number(JSONNumber(configuration.businessUnitID)),
                    "totalRecords": .number(JSONNumber(matched.count)),
                    .init(Self.listKey(kind)): .array(items),
                ]
            )
        }
    }

    static func listKey(_ kind: CXoneSandboxEntityKind) -> String {
        switch kind {
        case .campaigns: "campaigns"
        case .dispositions: "dispositions"
        case .scriptSchedules: "scriptSchedules"
        case .stationProfiles: "stationProfiles"
        case .stations: "stations"
        case .unavailableCodes: "unavailableCodes"
        }
    }

    private func auditHistory(_ request: Request, kind: CXoneSandboxEntityKind, id text: String) -> Response {
        if let rejected = admit(request) { return rejected }
        let query = CXoneWire.query(request)
        let path = request.uri.path
        let now = clock.now
        if requiresSearchString(kind, history: true), query["searchString"] == nil {
            return CXoneWire.adminError(.badRequest, message: "searchString is required", path: path, now: now)
        }
        let window: (start: WallInstant?, end: WallInstant?)
        let paging: (skip: Int, top: Int)
        switch (
            parseDate(query["startDate"]), parseDate(query["endDate"]),
            CXoneWire.paging(query, maxTop: configuration.maxTop)
        ) {
        case (.success(let start), .success(let end), .success(let pages)): (window, paging) = ((start, end), pages)
        case (.failure(let error), _, _), (_, .failure(let error), _), (_, _, .failure(let error)):
            return CXoneWire.adminError(.badRequest, message: error.message, path: path, now: now)
        }
        let style = configuration.dateStyle
        return state.withLock { state in
            state.stats.auditHistoryRequests += 1
            if state.badRequestsRemaining > 0 {
                state.badRequestsRemaining -= 1
                return CXoneWire.adminError(
                    .badRequest, message: "Invalid date range for audit history", path: path, now: now)
            }
            guard let id = Int(text), let entity = state.entities[EntityKey(kind: kind, id: id)], !entity.deleted else {
                state.stats.notFoundResponses += 1
                return CXoneWire.adminError(
                    .notFound, message: "\(kind.rawValue) \(text) was not found", path: path, now: now)
            }
            let matched = (state.changes[EntityKey(kind: kind, id: id)] ?? []).filter { stored in
                (window.start.map { stored.at >= $0 } ?? true) && (window.end.map { stored.at < $0 } ?? true)
            }
            let entries = CXoneWire.slice(matched, skip: paging.skip, top: paging.top).map {
                Self.historyEntry($0, kind: kind)
            }
            return SandboxHTTP.json(
                .ok,
                [
                    "businessUnitId": .number(JSONNumber(configuration.businessUnitID)),
                    "totalRecords": .number(JSONNumber(matched.count)),
                    "createdBy": "Sandbox Setup",
                    "createdDate": .string(CXoneWire.format(WallInstant(sinceEpoch: .zero), style)),
                    "modifiedBy": .string(matched.last?.modifiedBy.fullName ?? "Sandbox Setup"),
                    "modifiedDate": .string(CXoneWire.format(entity.lastUpdated, style)),
                    .init(kind == .dispositions ? "auditHistoryRecords" : "auditHistoryEntries"): .array(entries),
                ]
            )
        }
    }

    // MARK: Agents and login history

    private func listAgents(_ request: Request) -> Response {
        if let rejected = admit(request) { return rejected }
        let query = CXoneWire.query(request)
        let now = clock.now
        let paging: (skip: Int, top: Int)
        switch CXoneWire.paging(query, maxTop: configuration.maxTop) {
        case .success(let pages): paging = pages
        case .failure(let error): return CXoneWire.oauthError(.badRequest, "invalid_request", error.message)
        }
        let active = query["isActive"].map { $0.lowercased() == "true" }
        state.withLock { $0.stats.listRequests += 1 }
        let matched = cast.agents.filter { active == nil || $0.isActive == active }
        let agents = CXoneWire.slice(matched, skip: paging.skip, top: paging.top).map { agent -> JSONValue in
            [
                "agentId": .number(JSONNumber(agent.id)), "firstName": .string(agent.firstName),
                "lastName": .string(agent.lastName), "userName": .string(agent.userName),
                "emailAddress": .string(agent.userName), "isActive": .bool(agent.isActive),
                "teamName": "Sandbox Team", "lastUpdated": .string(WallInstant(sinceEpoch: .zero).timestamp.iso8601),
            ]
        }
        return SandboxHTTP.json(
            .ok,
            [
                "_links": ["self": .string(request.uri.description)],
                "businessUnitId": .number(JSONNumber(configuration.businessUnitID)),
                "lastPollTime": .string(now.timestamp.iso8601), "totalRecords": .number(JSONNumber(matched.count)),
                "agents": .array(agents),
            ]
        )
    }

    private func loginHistory(_ request: Request, agentID text: String) -> Response {
        if let rejected = admit(request) { return rejected }
        let query = CXoneWire.query(request)
        let now = clock.now
        guard query["startDate"] != nil, query["endDate"] != nil else {
            return CXoneWire.oauthError(.badRequest, "invalid_request", "startDate and endDate are required")
        }
        let window: (start: WallInstant?, end: WallInstant?)
        let paging: (skip: Int, top: Int)
        switch (
            parseDate(query["startDate"]), parseDate(query["endDate"]),
            CXoneWire.paging(query, maxTop: configuration.maxTop)
        ) {
        case (.success(let start), .success(let end), .success(let pages)): (window, paging) = ((start, end), pages)
        case (.failure(let error), _, _), (_, .failure(let error), _), (_, _, .failure(let error)):
            return CXoneWire.oauthError(.badRequest, "invalid_request", error.message)
        }
        guard let id = Int(text), cast.agents.contains(where: { $0.id == id }) else {
            state.withLock { $0.stats.notFoundResponses += 1 }
            return CXoneWire.oauthError(.notFound, "not_found", "agent \(text) was not found")
        }
        let stations = cast.entities.filter { $0.kind == .stations }
        return state.withLock { state in
            state.stats.loginHistoryRequests += 1
            let matched = (state.logins[id] ?? []).filter { stored in
                (window.start.map { stored.at >= $0 } ?? true) && (window.end.map { stored.at < $0 } ?? true)
            }
            let entries = CXoneWire.slice(matched, skip: paging.skip, top: paging.top).map { stored -> JSONValue in
                let index = stations.firstIndex { $0.id == stored.login.stationID } ?? 0
                return [
                    "loginDate": .string(stored.login.loginDate),
                    "stationId": .number(JSONNumber(stored.login.stationID)),
                    "stationName": .string(stored.stationName), "stationCallerId": .string("555100\(1000 + index)"),
                    "stationPhoneNumber": .string("555200\(1000 + index)"),
                ]
            }
            var links = JSONObject(["self": .string(request.uri.description)])
            if paging.skip + entries.count < matched.count {
                let next =
                    "\(request.uri.path)?startDate=\(query["startDate"] ?? "")&endDate=\(query["endDate"] ?? "")"
                    + "&skip=\(paging.skip + entries.count)&top=\(paging.top)"
                links["next"] = .string(next)
            }
            return SandboxHTTP.json(
                .ok,
                [
                    "_links": .object(links), "agentLogins": .array(entries),
                    "businessUnitId": .number(JSONNumber(configuration.businessUnitID)),
                    "lastPollTime": .string(now.timestamp.iso8601), "totalRecords": .number(JSONNumber(matched.count)),
                ]
            )
        }
    }
}
