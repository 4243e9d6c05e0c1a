import AsyncHTTPClient
import RelayCore

extension RelayError.Code {
    /// The remote party answered a redirect (3xx). Redirects are never followed: following one
    /// would re-send the request's credential headers and body to whatever host the answer names.
    public static let redirectRefused = RelayError.Code(rawValue: "http.redirect")
}

extension HTTPTransport {
    /// The client every ``HTTPTransport`` uses unless given another: AsyncHTTPClient's shared
    /// settings, with redirects disallowed so that a 3xx reaches ``send(_:)`` as an answer.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The error for a 3xx answer: method, the request's target without query or user info, the
    /// status, and the host the redirect names (never its path or query, which may carry a token).
    static func redirectRefusal(_ request: OutboundRequest, status: Int, location: String?) -> RelayError {
        let host = location.map { redirectHost(location: $0, requestURL: request.url) } ?? "(no Location header)"
        return RelayError(
            .redirectRefused,
            "\(request.method) \(redactedTarget(request.url)) answered HTTP \(status), a redirect to \(host); "
                + "redirects are not followed: configure the final URL")
    }

    /// The host (and port) a `Location` header names; a relative one names the request's own host.
    public static func redirectHost(location: String, requestURL: String) -> String {
        func authority(_ url: Substring) -> Substring? {
            let rest: Substring
            if url.hasPrefix("//") {
                rest = url.dropFirst(2)
            } else if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/"),
                url[url.index(after: colon)...].hasPrefix("//")
            {
                rest = url[url.index(after: colon)...].dropFirst(2)
            } else {
                return nil
            }
            let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            let hostPart = rest[..<end]
            return hostPart.lastIndex(of: "@").map { hostPart[hostPart.index(after: $0)...] } ?? hostPart
        }
        let location = Substring(location.trimmingWhitespace)
        let host = authority(location) ?? authority(Substring(requestURL)) ?? ""
        return host.isEmpty ? "(no host)" : String(host)
    }
}

extension DeliveryOutcome {
    /// A sink's outcome when its request failed without a usable answer: a refused redirect is a
    /// configuration fault that retrying cannot fix (rejected, naming status and host); anything
    /// else (unreachable, timed out) is an outage. `reason` replaces the error's message when given.
    public static func transportFailure(_ error: RelayError, reason: String? = nil) -> DeliveryOutcome {
        let reason = reason ?? error.message
        return error.code == .redirectRefused
            ? .rejected(reason: reason) : .unavailable(reason: reason, retryAfter: nil)
    }
}
