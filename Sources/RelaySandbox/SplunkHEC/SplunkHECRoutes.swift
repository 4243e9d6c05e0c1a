import HTTPTypes
import Hummingbird
import RelayCore

/// The collector's HTTP surface: the event endpoint under its three paths and the health check.
extension SplunkHECEmulator: SandboxEmulator {
    var sandboxName: String { "splunk-hec" }
    static let channelHeader = HTTPField.Name("X-Splunk-Request-Channel")!

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        for path in ["/services/collector", "/services/collector/event", "/services/collector/event/1.0"] {
            router.post(RouterPath(path)) { request, _ in try await self.receiveEvents(request) }
        }
        router.post("/services/collector/ack") { request, _ in try await self.receiveAckQuery(request) }
        for path in ["/services/collector/health", "/services/collector/health/1.0"] {
            router.get(RouterPath(path)) { _, _ in self.health() }
        }
        addFaultRoutes(to: router)
        return router
    }

    private func respond(_ status: HECStatus, invalidEventNumber: Int? = nil, ackID: Int64? = nil) -> Response {
        SandboxHTTP.json(
            .init(code: status.httpStatus), status.body(invalidEventNumber: invalidEventNumber, ackID: ackID))
    }

    /// The health endpoint does not look at the token, as the real one does not.
    func health() -> Response {
        state.withLock { $0.stats.requests += 1 }
        return respond(.healthy)
    }

    func receiveEvents(_ request: Request) async throws -> Response {
        let fault = state.withLock { state -> HECFault? in
            state.stats.requests += 1
            guard !state.faults.isEmpty else { return nil }
            state.stats.faultsServed += 1
            return state.faults.removeFirst()
        }
        switch fault {
        case .busy?: return respond(.serverBusy)
        case .internalError?: return respond(.internalError)
        case .unhealthy?: return respond(.unhealthy)
        case .dropConnection?: return SandboxHTTP.dropConnection()
        case nil: break
        }
        let token: String
        switch authenticate(request) {
        case .success(let value): token = value
        case .failure(let status): return reject(status)
        }
        guard let body = try await SandboxHTTP.readBody(request) else { return reject(.invalidDataFormat) }
        let channel = request.headers[Self.channelHeader] ?? queryParameter(request, "channel")
        let usesAck = configuration.ackTokens.contains(token)
        if usesAck {
            guard let channel else { return reject(.channelMissing) }
            guard Self.isGUID(channel) else { return reject(.invalidChannel) }
        }
        let validator = HECBatchValidator(
            allowedIndexes: configuration.tokens[token] ?? [],
            defaultIndex: configuration.defaultIndex,
            channel: channel
        )
        do {
            index(try validator.validate(body))
            guard usesAck, let channel else { return respond(.success) }
            var answer = HECStatus.success.body()
            if case .object(var object) = answer {
                object["ackId"] = .number(JSONNumber(issueAck(channel: channel)))
                answer = .object(object)
            }
            return SandboxHTTP.json(.ok, answer)
        } catch {
            guard !error.indexed.isEmpty else {
                return reject(error.status, invalidEventNumber: error.invalidEventNumber)
            }
            // The events before the invalid one are indexed all the same; with acknowledgement the
            // refusal carries the ackId of that part.
            index(error.indexed, whole: false)
            let ackID = usesAck ? channel.map { issueAck(channel: $0) } : nil
            return reject(error.status, invalidEventNumber: error.invalidEventNumber, ackID: ackID)
        }
    }

    /// `POST /services/collector/ack` `{"acks":[0,1]}` → `{"acks":{"0":true,"1":false}}`.
    func receiveAckQuery(_ request: Request) async throws -> Response {
        state.withLock { $0.stats.requests += 1 }
        let token: String
        switch authenticate(request) {
        case .success(let value): token = value
        case .failure(let status): return respond(status)
        }
        guard configuration.ackTokens.contains(token) else { return respond(.ackDisabled) }
        guard let channel = request.headers[Self.channelHeader] ?? queryParameter(request, "channel") else {
            return respond(.channelMissing)
        }
        guard Self.isGUID(channel) else { return respond(.invalidChannel) }
        guard let body = try await SandboxHTTP.readBody(request), let json = try? JSONParser.parse(body),
            let requested = json["acks"]?.arrayValue
        else { return respond(.invalidDataFormat) }
        let ids = requested.compactMap(\.int64Value)
        guard ids.count == requested.count else { return respond(.invalidDataFormat) }
        var acks = JSONObject()
        for (id, acknowledged) in queryAcks(channel: channel, ids: ids) { acks[String(id)] = .bool(acknowledged) }
        return SandboxHTTP.json(.ok, ["acks": .object(acks)])
    }

    /// A channel must be a GUID: 8-4-4-4-12 hexadecimal digits.
    static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    private func reject(_ status: HECStatus, invalidEventNumber: Int? = nil, ackID: Int64? = nil) -> Response {
        state.withLock { $0.stats.rejectedBatches += 1 }
        return respond(status, invalidEventNumber: invalidEventNumber, ackID: ackID)
    }

    /// The request's token, or the HEC status refusing it.
    private func authenticate(_ request: Request) -> Result<String, HECStatus> {
        let token: String
        if request.headers[.authorization] != nil {
            guard let credentials = SandboxHTTP.credentials(request, scheme: "Splunk") else {
                return .failure(.invalidAuthorization)
            }
            token = String(credentials)
        } else if let queryToken = queryParameter(request, "token") {
            guard configuration.queryStringAuthEnabled else { return .failure(.queryStringAuthDisabled) }
            token = queryToken
        } else {
            return .failure(.tokenRequired)
        }
        if configuration.disabledTokens.contains(token) { return .failure(.tokenDisabled) }
        let revoked = state.withLock { $0.revokedTokens.contains(token) }
        guard configuration.tokens[token] != nil, !revoked else { return .failure(.invalidToken) }
        return .success(token)
    }

    private func queryParameter(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.first { $0.key == name }.map { String($0.value) }
    }
}
