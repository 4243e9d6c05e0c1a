import RelayCore
import RelayHTTP

extension RelayError.Code {
    /// The platform answered 404: the entity (or tenant) does not exist (any more).
    public static let entityNotFound = RelayError.Code(rawValue: "http.not_found")
}

/// Where the API of a tenant is: configured, or found once through
/// `GET {discovery}/.well-known/cxone-configuration?tenantId=` (`api_endpoint`) and kept. A
/// discovered endpoint must be https (only a configured `api_base_url` may be http).
actor CXoneAPIBase {
    private let discoveryURL: String
    private let tenantID: String
    private let send: CXoneSend
    private var resolved: String?

    init(configured: String?, discoveryURL: String, tenantID: String, send: @escaping CXoneSend) {
        self.resolved = configured.map(CXoneURL.trimmed)
        self.discoveryURL = CXoneURL.trimmed(discoveryURL)
        self.tenantID = tenantID
        self.send = send
    }

    func url() async throws(RelayError) -> String {
        if let resolved { return resolved }
        let label = "GET /.well-known/cxone-configuration"
        let response = try await send(
            OutboundRequest(
                method: "GET",
                url: discoveryURL + "/.well-known/cxone-configuration?tenantId=" + CXoneURL.percentEncode(tenantID),
                headers: [("Accept", "application/json")]
            )
        )
        switch response.status {
        case 200..<300: break
        case 404:
            throw RelayError(.configInvalid, "\(label): tenant_id \(tenantID) is unknown to CXone discovery (404)")
        case 429: throw CXoneAPIClient.rateLimitError(response, label: label)
        default:
            throw RelayError(.httpStatus, "\(label) answered status \(response.status) for tenant \(tenantID)")
        }
        guard let body = try? JSONParser.parse(response.body), let endpoint = body["api_endpoint"]?.stringValue,
            endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")
        else {
            throw RelayError(
                .malformedResponse, "\(label): the discovery document for tenant \(tenantID) has no api_endpoint URL")
        }
        guard endpoint.hasPrefix("https://") else {
            // The bearer token would travel in clear text (a spoofed or downgraded document).
            let host = endpoint.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            throw RelayError(
                .configInvalid,
                "\(label): the discovery document for tenant \(tenantID) announces the API at http://\(host), not https: "
                    + "refused, the access token would be sent unencrypted (set api_base_url to use a plain-http API on purpose)"
            )
        }
        let url = CXoneURL.trimmed(endpoint)
        resolved = url
        return url
    }
}

/// Calls the CXone REST API (`/inContactAPI/services/v34.0/...`) with the access key's token.
///
/// * A 401 invalidates the token, fetches a new one exactly once and resends; the failed token is
///   never reused. A second 401 is `RelayError(.authentication)`.
/// * Requests are paced by the access key's ``CredentialThrottle`` (``PacedSending``, the same rules
///   as Genesys): nothing is sent while the key is blocked, a 429 blocks it for `Retry-After` + 10 s
///   (60 s + 10 s without the header) and is thrown as `RelayError(.rateLimited)` with the wait as
///   `retryAfter`, a low `X-RateLimit-Remaining` stretches the poll interval, and 502/503/504 are
///   resent after a jittered backoff.
/// * A 404 is `RelayError(.entityNotFound)`; any other non-2xx is `RelayError(.httpStatus)` naming the
///   request and the platform's message (`error_description`/`errorMessage`).
/// * 204 or an empty body is an empty object (CXone answers 204 to a list with nothing in it).
public struct CXoneAPIClient: Sendable {
    /// Added to every `Retry-After` the platform sends.
    public static let retryAfterSafetyMargin: Duration = .seconds(10)
    /// Assumed when a 429 carries no `Retry-After`.
    public static let defaultRetryAfter: Duration = .seconds(60)
    /// The API version prefix of every path.
    public static let servicesPath = "/inContactAPI/services/v34.0"

    /// The token source of the access key.
    public let tokens: AccessTokenCache
    /// The rate-limit state of the access key.
    public let throttle: CredentialThrottle
    private let base: CXoneAPIBase
    private let clock: any WallClock
    private let send: CXoneSend

    init(
        base: CXoneAPIBase, tokens: AccessTokenCache, throttle: CredentialThrottle, clock: any WallClock,
        send: @escaping CXoneSend
    ) {
        self.base = base
        self.tokens = tokens
        self.throttle = throttle
        self.clock = clock
        self.send = send
    }

    /// `GET {api}/inContactAPI/services/v34.0/{path}?{query}`, parsed.
    public func get(_ path: String, query: [(String, String)] = []) async throws(RelayError) -> JSONValue {
        let label = "GET \(Self.servicesPath)/\(path)"
        var url = try await base.url() + Self.servicesPath + "/" + path
        if !query.isEmpty { url += "?" + CXoneURL.formEncode(query) }
        let response = try await PacedSending(throttle: throttle, clock: clock).send(label: label) {
            () throws(RelayError) in
            try await sendAuthorized(url, label: label)
        }
        switch response.status {
        case 200..<300:
            if response.body.isEmpty { return .object(JSONObject()) }
            do {
                return try JSONParser.parse(response.body)
            } catch {
                throw RelayError(.malformedResponse, "\(label): the response is not valid JSON (\(error))")
            }
        case 429:
            throw Self.rateLimitError(response, label: label)
        case 404:
            throw RelayError(
                .entityNotFound, "\(label) answered 404\(Self.platformMessage(try? JSONParser.parse(response.body)))")
        default:
            let message = Self.platformMessage(try? JSONParser.parse(response.body))
            throw RelayError(.httpStatus, "\(label) answered status \(response.status)\(message)")
        }
    }

    /// Sends with the current token; a 401 invalidates it and resends once with a fresh one.
    private func sendAuthorized(_ url: String, label: String) async throws(RelayError) -> InboundResponse {
        var authorization = try await tokens.authorization()
        var response = try await send(request(url, authorization))
        if response.status == 401 {
            await tokens.invalidate(authorization)
            let fresh = try await tokens.authorization()
            guard fresh != authorization else {
                throw RelayError(
                    .authentication, "\(label): the platform rejected the access token and no new token was issued")
            }
            authorization = fresh
            response = try await send(request(url, authorization))
            if response.status == 401 {
                throw RelayError(
                    .authentication, "\(label): the platform rejected a freshly issued access token (status 401)")
            }
        }
        return response
    }

    private func request(_ url: String, _ authorization: String) -> OutboundRequest {
        OutboundRequest(
            method: "GET", url: url, headers: [("Authorization", authorization), ("Accept", "application/json")])
    }

    /// `: error (description)` or `: errorMessage [errorCode]` from a CXone error body; `""` without one.
    static func platformMessage(_ body: JSONValue?) -> String {
        guard let body else { return "" }
        var detail = ""
        if let error = body["error"]?.stringValue { detail += ": \(error)" }
        if let description = body["error_description"]?.stringValue { detail += " (\(description))" }
        if let message = body["errorMessage"]?.stringValue { detail += ": \(message)" }
        if let code = body["errorCode"]?.int64Value { detail += " [errorCode \(code)]" }
        return detail
    }

    static func rateLimitError(_ response: InboundResponse, label: String) -> RelayError {
        let asked = response.retryAfter
        let wait = (asked ?? defaultRetryAfter) + retryAfterSafetyMargin
        let told = asked.map { "Retry-After \(Int64($0.components.seconds)) s" } ?? "no Retry-After"
        return RelayError(.rateLimited, "\(label) was rate limited (429, \(told))", retryAfter: wait)
    }
}
