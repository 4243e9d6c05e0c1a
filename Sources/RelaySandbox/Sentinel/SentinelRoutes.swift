import HTTPTypes
import Hummingbird
import RelayCore

/// The emulator's HTTP surface: Entra ID's token endpoint and the Logs Ingestion API.
extension SentinelEmulator: SandboxEmulator {
    var sandboxName: String { "sentinel" }

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("/:tenant/oauth2/v2.0/token") { request, context in
            try await self.issueToken(request, tenant: context.parameters.get("tenant") ?? "")
        }
        router.post("/dataCollectionRules/:dcr/streams/:stream") { request, context in
            try await self.ingest(
                request, dcr: context.parameters.get("dcr") ?? "", stream: context.parameters.get("stream") ?? "")
        }
        addFaultRoutes(to: router)
        return router
    }

    /// Entra ID's error body: `{"error": code, "error_description": "AADSTS...: text"}`.
    private func tokenError(_ status: Int, _ code: String, _ description: String) -> Response {
        state.withLock { $0.stats.tokensRefused += 1 }
        return SandboxHTTP.json(
            .init(code: status), ["error": .string(code), "error_description": .string(description)])
    }

    private func issueToken(_ request: Request, tenant: String) async throws -> Response {
        guard tenant == configuration.tenantID else {
            return tokenError(400, "invalid_request", "AADSTS90002: Tenant '\(tenant)' not found.")
        }
        let form = GenesysWire.parseForm(try await SandboxHTTP.readBody(request) ?? [])
        guard form["grant_type"] == "client_credentials" else {
            return tokenError(400, "unsupported_grant_type", "AADSTS70003: The grant type is not supported.")
        }
        guard form["client_id"] == configuration.clientID else {
            return tokenError(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        }
        guard let secret = form["client_secret"], configuration.clientSecrets.contains(secret) else {
            return tokenError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        }
        guard form["scope"] == configuration.scope else {
            return tokenError(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.")
        }
        let seconds = configuration.tokenLifetime.components.seconds
        return SandboxHTTP.json(
            .ok,
            [
                "token_type": "Bearer", "expires_in": .number(JSONNumber(seconds)),
                "ext_expires_in": .number(JSONNumber(seconds)), "access_token": .string(issueToken()),
            ])
    }

    /// The ingestion API's error: body `{"error": {"code": ..., "message": ...}}` (Azure.Core
    /// `ErrorResponse`) and the code again in the `x-ms-error-code` header, as the API's REST
    /// specification (2023-01-01) describes its error responses.
    private func errorResponse(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        var response = SandboxHTTP.json(status, ["error": ["code": .string(code), "message": .string(message)]])
        response.headers[Self.errorCodeHeader] = code
        return response
    }

    private static let errorCodeHeader = HTTPField.Name("x-ms-error-code")!

    /// A refusal of the request itself (token, path, size, payload), counted as rejected.
    private func ingestionError(_ status: Int, _ code: String, _ message: String) -> Response {
        state.withLock { $0.stats.rejectedRequests += 1 }
        return errorResponse(.init(code: status), code, message)
    }

    private func ingest(_ request: Request, dcr: String, stream: String) async throws -> Response {
        let now = clock.now
        let (fault, tokens, revoked) = state.withLock { state in
            state.stats.requests += 1
            let fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            if let fault, fault != .pass { state.stats.faultsServed += 1 }
            if fault == .rotateTokens { state.tokens.removeAll() }
            return (fault, state.tokens, state.roleRevoked)
        }
        switch fault {
        case .tooManyRequests(let seconds)?:
            var response = errorResponse(.tooManyRequests, "TooManyRequests", "Rate limit exceeded")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .unavailable?:
            return errorResponse(.serviceUnavailable, "ServiceUnavailable", "Try again later")
        case .internalError?:
            return errorResponse(.internalServerError, "InternalServerError", "Internal error")
        case .rotateTokens?, .pass?, nil:
            break
        }
        guard let token = SandboxHTTP.credentials(request, scheme: "Bearer").map(String.init),
            let expiry = tokens[token], now < expiry
        else {
            state.withLock { $0.stats.unauthorized += 1 }
            return ingestionError(401, "InvalidToken", "The bearer token is missing, invalid or expired.")
        }
        if revoked {
            return ingestionError(403, "OperationFailed", "The authentication token provided does not have access.")
        }
        guard request.uri.queryParameters["api-version"].map(String.init) == "2023-01-01" else {
            return ingestionError(400, "InvalidApiVersion", "The api-version query parameter is missing or unknown.")
        }
        guard dcr == configuration.dcrImmutableID else {
            return ingestionError(404, "NotFound", "Data collection rule \(dcr) not found.")
        }
        guard configuration.streams.contains(stream) else {
            return ingestionError(400, "InvalidStream", "Stream \(stream) is not declared by the rule.")
        }
        let body: [UInt8]
        switch try await ContentDecoding.body(of: request, maxBytes: configuration.maxRequestBytes) {
        case .success(let bytes): body = bytes
        case .failure(.tooLarge):
            return ingestionError(413, "ContentLengthLimitExceeded", "The request body exceeds 1 MB.")
        case .failure(.undecodable):
            return ingestionError(400, "InvalidContentEncoding", "The body cannot be decompressed.")
        }
        guard case .array(let items)? = try? JSONParser.parse(body) else {
            return ingestionError(400, "InvalidPayload", "The body is not a JSON array.")
        }
        var rows: [JSONObject] = []
        for item in items {
            guard let row = item.objectValue else {
                return ingestionError(400, "InvalidPayload", "A row of the array is not a JSON object.")
            }
            rows.append(row)
        }
        store(rows)
        return Response(status: .noContent)
    }
}
