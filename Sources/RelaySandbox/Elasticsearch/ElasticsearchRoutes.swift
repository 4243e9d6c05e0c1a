import HTTPTypes
import Hummingbird
import RelayCore

/// The cluster's HTTP surface: `POST /_bulk` and `POST /{index}/_bulk`.
extension ElasticsearchEmulator: SandboxEmulator {
    var sandboxName: String { "elasticsearch" }

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("/_bulk") { request, _ in try await self.receive(request, pathIndex: nil) }
        router.post("/:index/_bulk") { request, context in
            try await self.receive(request, pathIndex: context.parameters.get("index"))
        }
        addFaultRoutes(to: router)
        return router
    }

    /// An Elasticsearch error answer: `{"error": {"type", "reason"}, "status"}`.
    static func error(_ status: Int, type: String, reason: String) -> Response {
        SandboxHTTP.json(
            .init(code: status),
            [
                "error": [
                    "root_cause": [["type": .string(type), "reason": .string(reason)]], "type": .string(type),
                    "reason": .string(reason),
                ], "status": .number(JSONNumber(status)),
            ])
    }

    private func receive(_ request: Request, pathIndex: String?) async throws -> Response {
        let fault = state.withLock { state -> ElasticsearchFault? in
            state.stats.requests += 1
            guard !state.faults.isEmpty else { return nil }
            let fault = state.faults.removeFirst()
            if fault != .pass { state.stats.faultsServed += 1 }
            return fault
        }
        switch fault {
        case .throttled(let seconds)?:
            var response = Self.error(
                429, type: "es_rejected_execution_exception", reason: "rejected execution of coordinating operation")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .unavailable?:
            return Self.error(503, type: "cluster_block_exception", reason: "blocked by: [SERVICE_UNAVAILABLE]")
        case .unauthorized?: return unauthorized()
        case .throttledItems?, .answerLost?, .pass?, nil: break
        }
        guard isAuthorized(request.headers[.authorization]) else { return unauthorized() }
        let body: [UInt8]
        switch try await ContentDecoding.body(of: request, maxBytes: configuration.maxRequestBytes) {
        case .success(let bytes): body = bytes
        case .failure(.tooLarge):
            return Self.error(413, type: "content_too_long_exception", reason: "request body is too large")
        case .failure(.undecodable):
            return Self.error(400, type: "parse_exception", reason: "the body cannot be decompressed")
        }
        let operations: [ElasticsearchBulkOperation]
        do {
            operations = try ElasticsearchBulkOperation.parse(body, pathIndex: pathIndex)
        } catch {
            return Self.error(400, type: "illegal_argument_exception", reason: error.message)
        }
        var throttledItems = 0
        if case .throttledItems(let count)? = fault { throttledItems = count }
        let items = apply(operations, throttledItems: throttledItems)
        if fault == .answerLost { return SandboxHTTP.dropConnection() }
        let errors = items.contains { ($0.objectValue?.members.first?.value["error"]) != nil }
        return SandboxHTTP.json(.ok, ["took": 3, "errors": .bool(errors), "items": .array(items)])
    }

    private func unauthorized() -> Response {
        var response = Self.error(
            401, type: "security_exception", reason: "unable to authenticate user for REST request [/_bulk]")
        response.headers[.wwwAuthenticate] = "ApiKey, Basic realm=\"security\" charset=\"UTF-8\""
        return response
    }

    private func isAuthorized(_ header: String?) -> Bool {
        guard let header else { return false }
        if header.hasPrefix("ApiKey ") { return configuration.apiKeys.contains(String(header.dropFirst(7))) }
        guard header.hasPrefix("Basic "), let decoded = Base64.decode(header.dropFirst(6)) else { return false }
        let pair = String(decoding: decoded, as: UTF8.self).split(separator: ":", maxSplits: 1)
        guard pair.count == 2 else { return false }
        return configuration.users[String(pair[0])] == String(pair[1])
    }

    /// Applies the operations in order, under one lock, and returns their items.
    private func apply(_ operations: [ElasticsearchBulkOperation], throttledItems: Int) -> [JSONValue] {
        state.withLock { state in
            operations.enumerated().map { position, operation in
                let result: ElasticsearchItemResult
                if position < throttledItems {
                    result = .failure(
                        429, "es_rejected_execution_exception", "rejected execution of primary operation")
                } else {
                    result = Self.index(operation, into: &state)
                }
                return result.item(for: operation)
            }
        }
    }

    /// Indexes one operation per Elasticsearch's rules: data streams take `create` with
    /// `@timestamp` only; `create` of an existing `_id` conflicts; a value of another type than
    /// the field's mapping fails to parse.
    static func index(_ operation: ElasticsearchBulkOperation, into state: inout State) -> ElasticsearchItemResult {
        guard let source = operation.source else {
            return .failure(400, "document_parsing_exception", "failed to parse: the source is not a JSON object")
        }
        let isDataStream = operation.index.hasPrefix("logs-")
        if isDataStream, operation.action != "create" {
            return .failure(
                400, "illegal_argument_exception",
                "only write ops with an op_type of create are allowed in data streams")
        }
        if isDataStream, source["@timestamp"]?.stringValue == nil {
            return .failure(400, "document_parsing_exception", "data stream timestamp field [@timestamp] is missing")
        }
        let key = operation.index + "\u{0}" + operation.id
        if operation.action == "create", state.ids.contains(key) {
            state.stats.conflicts += 1
            return .failure(
                409, "version_conflict_engine_exception",
                "[\(operation.id)]: version conflict, document already exists (current version [1])")
        }
        var mapping = state.mappings[operation.index, default: [:]]
        for member in source where !member.value.isNull {
            let kind = member.value.kindName
            if let mapped = mapping[member.key], mapped != kind {
                state.stats.itemErrors += 1
                return .failure(
                    400, "document_parsing_exception",
                    "[1:2] failed to parse field [\(member.key)] of type [\(mapped)] in document with id '\(operation.id)'"
                )
            }
            mapping[member.key] = kind
        }
        state.mappings[operation.index] = mapping
        state.ids.insert(key)
        state.documents.append(ElasticsearchDocument(index: operation.index, id: operation.id, source: source))
        state.stats.created += 1
        return .created
    }
}
