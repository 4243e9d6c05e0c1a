import RelayCore
import RelayHTTP

/// Sends one HTTP request; production wraps ``HTTPTransport/send(_:)``, tests inject fakes.
typealias CXoneSend = @Sendable (OutboundRequest) async throws(RelayError) -> InboundResponse

/// The access-key grant against `POST {auth}/auth/token`: form `grant_type=password`,
/// `username` = access key id, `password` = access key secret, plus `client_id`/`client_secret`.
///
/// Errors name the access key id and the platform's `error`/`error_description`, never a secret.
public struct CXoneTokenEndpoint: Sendable {
    /// The access key id (safe to log).
    public let accessKeyID: String
    private let accessKeySecret: Credential
    private let clientID: String
    private let clientSecret: Credential
    private let tokenURL: String
    private let send: CXoneSend

    /// - Parameters:
    ///   - authBaseURL: The authentication host, e.g. `https://cxone.niceincontact.com`.
    ///   - accessKeySecret, clientSecret: Read at each request; when the platform rejects them both are
    ///     re-read once and the request sent again if either changed.
    ///   - transport: The HTTP client.
    public init(
        authBaseURL: String, accessKeyID: String, accessKeySecret: some CredentialConvertible, clientID: String,
        clientSecret: some CredentialConvertible, transport: HTTPTransport
    ) {
        self.init(
            authBaseURL: authBaseURL, accessKeyID: accessKeyID, accessKeySecret: accessKeySecret, clientID: clientID,
            clientSecret: clientSecret
        ) { request throws(RelayError) in try await transport.send(request) }
    }

    init(
        authBaseURL: String, accessKeyID: String, accessKeySecret: some CredentialConvertible, clientID: String,
        clientSecret: some CredentialConvertible, send: @escaping CXoneSend
    ) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret.credential
        self.clientID = clientID
        self.clientSecret = clientSecret.credential
        self.tokenURL = CXoneURL.trimmed(authBaseURL) + "/auth/token"
        self.send = send
    }

    /// Requests a new token. When the platform rejects the credentials, both secrets are re-read and,
    /// if either changed, the request is sent once more; a rejection that stands names the references.
    public func fetch() async throws(RelayError) -> AccessToken {
        let used = (accessKeySecret.value, clientSecret.value)
        do {
            return try await fetch(accessKeySecret: used.0, clientSecret: used.1)
        } catch  where error.code == .authentication {
            let keyChanged = await accessKeySecret.reread(afterRejecting: used.0)
            let clientChanged = await clientSecret.reread(afterRejecting: used.1)
            if keyChanged || clientChanged {
                do {
                    return try await fetch(accessKeySecret: accessKeySecret.value, clientSecret: clientSecret.value)
                } catch  where error.code == .authentication {
                    throw RelayError(.authentication, noted(error.message))
                }
            }
            throw RelayError(.authentication, noted(error.message))
        }
    }

    private func noted(_ message: String) -> String {
        clientSecret.rejectionNote(accessKeySecret.rejectionNote(message))
    }

    private func fetch(accessKeySecret: String, clientSecret: String) async throws(RelayError) -> AccessToken {
        let form = CXoneURL.formEncode([
            ("grant_type", "password"), ("username", accessKeyID), ("password", accessKeySecret),
            ("client_id", clientID), ("client_secret", clientSecret),
        ])
        let request = OutboundRequest(
            method: "POST", url: tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(form.utf8)
        )
        let response = try await send(request)
        let parsed = try? JSONParser.parse(response.body)
        switch response.status {
        case 200..<300:
            break
        case 400, 401, 403:
            throw RelayError(
                .authentication,
                "CXone rejected access key \(accessKeyID) with status \(response.status)\(CXoneAPIClient.platformMessage(parsed))"
            )
        case 429:
            throw CXoneAPIClient.rateLimitError(response, label: "POST /auth/token")
        default:
            throw RelayError(
                .httpStatus, "POST /auth/token answered status \(response.status) for access key \(accessKeyID)")
        }
        guard let accessToken = parsed?["access_token"]?.stringValue, !accessToken.isEmpty else {
            throw RelayError(.malformedResponse, "POST /auth/token: the response has no access_token")
        }
        let tokenType = parsed?["token_type"]?.stringValue ?? "Bearer"
        let scheme = tokenType.lowercased() == "bearer" ? "Bearer" : tokenType
        let seconds = parsed?["expires_in"]?.int64Value ?? parsed?["expires_in"]?.doubleValue.map { Int64($0) } ?? 3600
        return AccessToken(authorization: "\(scheme) \(accessToken)", expiresIn: .seconds(max(seconds, 0)))
    }
}

/// URL text helpers: base trimming, query and form encoding (RFC 3986 unreserved kept as is).
enum CXoneURL {
    static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        let hex = Array("0123456789ABCDEF")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }
}
