import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import RelayCore

/// An outbound HTTP request, independent of the client library.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole-request deadline. Default 30 s.
    public var timeout: Duration

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A received HTTP response with its body collected.
public struct InboundResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
    }

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// `Retry-After` as a duration: integer seconds (HTTP-date forms are not used by the parties here).
    public var retryAfter: Duration? {
        guard let text = header("retry-after")?.trimmingWhitespace, let seconds = Int64(text), seconds >= 0 else {
            return nil
        }
        return .seconds(seconds)
    }

    /// The body as text (for error messages), cut to `limit` characters.
    public func bodySnippet(limit: Int = 300) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

/// Outbound HTTP through AsyncHTTPClient: one shared client, bounded response bodies, and transport
/// failures turned into ``RelayError`` with code `http.transport` naming the host (never credentials).
/// Redirects are never followed: a 3xx answer throws `http.redirect` naming the status and the
/// host it points to (see ``sharedClient``).
public struct HTTPTransport: Sendable {
    private let client: HTTPClient
    /// Largest response body read. Default 16 MiB.
    public var maxResponseBytes: Int
    /// Told of every request before it is sent (e.g. to count a source's API calls). Default none.
    public var observer: (@Sendable (OutboundRequest) -> Void)?

    /// - Parameter client: Default ``sharedClient`` (redirects disallowed); a client given here must
    ///   disallow redirects too, or it re-sends credentials to the host a 3xx names.
    public init(client: HTTPClient = HTTPTransport.sharedClient, maxResponseBytes: Int = 16 << 20) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends the request and collects the response.
    public func send(_ request: OutboundRequest) async throws(RelayError) -> InboundResponse {
        observer?(request)
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outbound.headers.add(name: header.name, value: header.value) }
        if let body = request.body {
            outbound.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.nanoseconds(Int64(request.timeout.seconds * 1e9))
        let answer: InboundResponse
        do {
            let response = try await client.execute(outbound, timeout: timeout)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            answer = InboundResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(buffer: body)
            )
        } catch is CancellationError {
            throw RelayError(.cancelled, "request to \(Self.redactedTarget(request.url)) cancelled")
        } catch {
            throw RelayError(.transport, "\(request.method) \(Self.redactedTarget(request.url)) failed: \(error)")
        }
        if (300..<400).contains(answer.status) {
            throw Self.redirectRefusal(request, status: answer.status, location: answer.header("location"))
        }
        return answer
    }

    /// Scheme, host, port and path of a URL without its query string or user info, for messages.
    public static func redactedTarget(_ url: String) -> String {
        var text = url
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) }
        let parts = text.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        if parts.count >= 3, parts[1].isEmpty, let at = parts[2].lastIndex(of: "@") {
            var rebuilt = parts
            rebuilt[2] = parts[2][parts[2].index(after: at)...]
            text = rebuilt.joined(separator: "/")
        }
        return text
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
