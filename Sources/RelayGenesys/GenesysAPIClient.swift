import RelayCore
import RelayHTTP

extension RelayError.Code {
    /// The platform refused the request itself (a 4xx other than 401, 403 and 429); sending the
    /// same request again will not help.
    public static let requestRejected = RelayError.Code(rawValue: "http.request_rejected")
}

/// Sends one HTTP request; the production value wraps ``HTTPTransport/send(_:)``, tests inject fakes.
typealias GenesysSend = @Sendable (OutboundRequest) async throws(RelayError) -> InboundResponse

/// The OAuth client-credentials grant against `POST {login}/oauth/token`.
///
/// Errors name the client id and the platform's `error`/`error_description`, never the secret.
public struct GenesysTokenEndpoint: Sendable {
    /// The OAuth client id (safe to log).
    public let clientID: String
    private let clientSecret: Credential
    private let tokenURL: String
    private let send: GenesysSend

    /// - Parameters:
    ///   - endpoints: Where the login service is.
    ///   - clientID: The OAuth client id.
    ///   - clientSecret: The OAuth client secret; used only in the `Authorization` header, read at
    ///     each request (a rejected secret is re-read once and the request sent again if it changed).
    ///   - transport: The HTTP client.
    public init(
        endpoints: GenesysEndpoints, clientID: String, clientSecret: some CredentialConvertible,
        transport: HTTPTransport
    ) {
        self.init(endpoints: endpoints, clientID: clientID, clientSecret: clientSecret) { request throws(RelayError) in
            try await transport.send(request)
        }
    }

    init(
        endpoints: GenesysEndpoints, clientID: String, clientSecret: some CredentialConvertible,
        send: @escaping GenesysSend
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret.credential
        self.tokenURL = endpoints.loginBaseURL + "/oauth/token"
        self.send = send
    }

    /// Requests a new token. When the platform rejects the client secret, the secret is re-read and,
    /// if it changed, the request is sent once more with the new value; a rejection that stands
    /// names the secret's reference.
    public func fetch() async throws(RelayError) -> AccessToken {
        let secret = clientSecret.value
        do {
            return try await fetch(secret: secret)
        } catch  where error.code == .authentication {
            if await clientSecret.reread(afterRejecting: secret) {
                do {
                    return try await fetch(secret: clientSecret.value)
                } catch  where error.code == .authentication {
                    throw RelayError(.authentication, clientSecret.rejectionNote(error.message))
                }
            }
            throw RelayError(.authentication, clientSecret.rejectionNote(error.message))
        }
    }

    private func fetch(secret: String) async throws(RelayError) -> AccessToken {
        let credentials = Base64.encode(Array("\(clientID):\(secret)".utf8))
        let request = OutboundRequest(
            method: "POST",
            url: tokenURL,
            headers: [
                ("Authorization", "Basic " + credentials),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            body: Array("grant_type=client_credentials".utf8)
        )
        let response = try await send(request)
        let parsed = try? JSONParser.parse(response.body)
        switch response.status {
        case 200..<300:
            break
        case 400, 401, 403:
            var detail = ""
            if let error = parsed?["error"]?.stringValue { detail += ": \(error)" }
            if let description = parsed?["error_description"]?.stringValue { detail += " (\(description))" }
            throw RelayError(
                .authentication,
                "Genesys Cloud rejected the client credentials of OAuth client \(clientID) with status \(response.status)\(detail)"
            )
        case 429:
            throw GenesysAPIClient.rateLimitError(response, what: "POST /oauth/token")
        default:
            throw RelayError(
                .httpStatus, "POST /oauth/token answered status \(response.status) for OAuth client \(clientID)")
        }
        guard let object = parsed?.objectValue else {
            throw RelayError(.malformedResponse, "POST /oauth/token: the response is not a JSON object")
        }
        guard let accessToken = object["access_token"]?.stringValue, !accessToken.isEmpty else {
            throw RelayError(.malformedResponse, "POST /oauth/token: the response has no access_token")
        }
        let tokenType = object["token_type"]?.stringValue ?? "Bearer"
        let scheme = tokenType.lowercased() == "bearer" ? "Bearer" : tokenType
        let seconds = object["expires_in"]?.int64Value ?? object["expires_in"]?.doubleValue.map { Int64($0) } ?? 86_400
        return AccessToken(authorization: "\(scheme) \(accessToken)", expiresIn: .seconds(max(seconds, 0)))
    }
}

/// Calls the Genesys Cloud platform API with the OAuth token of one client.
///
/// * A 401 invalidates the token, fetches a new one exactly once and resends with it; the failed
///   token is never reused. A second 401 is `RelayError(.authentication)`.
/// * A 429 is `RelayError(.rateLimited)` with `retryAfter` = `Retry-After` + 10 s (60 s + 10 s when
///   the header is absent).
/// * With a ``CredentialThrottle`` (shared by every user of the credential), every response's
///   rate-limit headers feed it, and no request is sent while the credential is blocked: a request
///   waits on the clock when the block ends within ``maximumThrottleWait``, else it throws
///   `RelayError(.rateLimited)` at once (without sending) with the remaining wait as `retryAfter`.
/// * With a clock, 502/503/504 are resent after a jittered exponential backoff
///   (``transientRetryPolicy``) before the status is reported.
/// * A 4xx other than 401, 403 and 429 is `RelayError(.requestRejected)`: the platform refuses the
///   request itself, and sending it again will not help. Any other non-2xx status is
///   `RelayError(.httpStatus)`. Both name method, path, status and the platform's `ErrorBody`
///   message and code. A 2xx body that is not JSON is `RelayError(.malformedResponse)`.
public struct GenesysAPIClient: Sendable {
    /// Added to every `Retry-After` the platform sends.
    public static let retryAfterSafetyMargin: Duration = .seconds(10)
    /// Assumed when a 429 carries no `Retry-After`.
    public static let defaultRetryAfter: Duration = .seconds(60)

    private let apiBaseURL: String
    /// The token source, shared by every request of this client.
    public let tokens: AccessTokenCache
    /// The rate-limit state of this client's credential, when paced. Default `nil`.
    public let throttle: CredentialThrottle?
    /// The longest a request waits for its credential's rate-limit block before it gives up with
    /// `RelayError(.rateLimited)` instead. Default zero: pollers end their cycle and let the
    /// scheduler wait; a backfill sets hours.
    public var maximumThrottleWait: Duration = .zero
    /// Backoff for 502/503/504: 4 attempts in all, 1 s doubling to 30 s, full jitter.
    public var transientRetryPolicy = PacedSending.defaultTransientRetryPolicy
    private let clock: (any WallClock)?
    private let send: GenesysSend

    /// - Parameters:
    ///   - endpoints: Where the API is.
    ///   - tokens: The token provider of the OAuth client.
    ///   - transport: The HTTP client.
    ///   - throttle: The credential's shared rate-limit state. Default `nil` (unpaced).
    ///   - clock: Times backoff and throttle waits; `nil` (the default) disables 5xx resends.
    public init(
        endpoints: GenesysEndpoints, tokens: AccessTokenCache, transport: HTTPTransport,
        throttle: CredentialThrottle? = nil, clock: (any WallClock)? = nil
    ) {
        self.init(endpoints: endpoints, tokens: tokens, throttle: throttle, clock: clock) {
            request throws(RelayError) in
            try await transport.send(request)
        }
    }

    init(
        endpoints: GenesysEndpoints, tokens: AccessTokenCache, throttle: CredentialThrottle? = nil,
        clock: (any WallClock)? = nil, send: @escaping GenesysSend
    ) {
        self.apiBaseURL = endpoints.apiBaseURL
        self.tokens = tokens
        self.throttle = throttle
        self.clock = clock
        self.send = send
    }

    /// A copy that waits up to `limit` for its credential's rate-limit block instead of throwing.
    public func waitingForRateLimits(upTo limit: Duration) -> GenesysAPIClient {
        var copy = self
        copy.maximumThrottleWait = limit
        return copy
    }

    /// Sends `method path` (path with its query, e.g. `/api/v2/audits/query/realtime?expand=user`)
    /// with an optional JSON body and returns the parsed JSON response.
    public func request(_ method: String, _ path: String, body: JSONValue? = nil) async throws(RelayError) -> JSONValue
    {
        let bodyBytes = body.map(JSONWriter.encode)
        let label = "\(method) \(Self.pathWithoutQuery(path))"
        let pacing = PacedSending(
            throttle: throttle, maximumThrottleWait: maximumThrottleWait, transientRetryPolicy: transientRetryPolicy,
            clock: clock)
        let response = try await pacing.send(label: label) { () throws(RelayError) in
            try await sendAuthorized(method, path, body: bodyBytes, label: label)
        }
        switch response.status {
        case 200..<300:
            if response.body.isEmpty { return .null }
            do {
                return try JSONParser.parse(response.body)
            } catch {
                throw RelayError(.malformedResponse, "\(label): the response is not valid JSON (\(error))")
            }
        case 429:
            throw Self.rateLimitError(response, what: label)
        default:
            var detail = ""
            if let errorBody = try? JSONParser.parse(response.body) {
                if let message = errorBody["message"]?.stringValue { detail += ": \(message)" }
                if let code = errorBody["code"]?.stringValue { detail += " [code \(code)]" }
            }
            let code: RelayError.Code = Self.isRejection(response.status) ? .requestRejected : .httpStatus
            throw RelayError(code, "\(label) answered status \(response.status)\(detail)")
        }
    }

    /// A 4xx that no resend, token refresh or wait can change (every 4xx but 401, 403 and 429).
    static func isRejection(_ status: Int) -> Bool {
        (400..<500).contains(status) && ![401, 403, 429].contains(status)
    }

    /// Sends with the current token; a 401 invalidates it and resends once with a fresh one.
    private func sendAuthorized(_ method: String, _ path: String, body: [UInt8]?, label: String)
        async throws(RelayError)
        -> InboundResponse
    {
        var authorization = try await tokens.authorization()
        var response = try await send(makeRequest(method, path, body: body, authorization: authorization))
        if response.status == 401 {
            await tokens.invalidate(authorization)
            let fresh = try await tokens.authorization()
            guard fresh != authorization else {
                throw RelayError(
                    .authentication, "\(label): the platform rejected the access token and no new token was issued")
            }
            authorization = fresh
            response = try await send(makeRequest(method, path, body: body, authorization: authorization))
            if response.status == 401 {
                throw RelayError(
                    .authentication, "\(label): the platform rejected a freshly issued access token (status 401)")
            }
        }
        return response
    }

    private func makeRequest(_ method: String, _ path: String, body: [UInt8]?, authorization: String) -> OutboundRequest
    {
        var headers: [(name: String, value: String)] = [
            ("Authorization", authorization), ("Accept", "application/json"),
        ]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return OutboundRequest(method: method, url: apiBaseURL + path, headers: headers, body: body)
    }

    static func rateLimitError(_ response: InboundResponse, what label: String) -> RelayError {
        let asked = response.retryAfter
        let wait = (asked ?? defaultRetryAfter) + retryAfterSafetyMargin
        let told = asked.map { "Retry-After \(Int64($0.components.seconds)) s" } ?? "no Retry-After"
        return RelayError(.rateLimited, "\(label) was rate limited (429, \(told))", retryAfter: wait)
    }

    static func pathWithoutQuery(_ path: String) -> String {
        if let query = path.firstIndex(of: "?") { return String(path[..<query]) }
        return path
    }
}
