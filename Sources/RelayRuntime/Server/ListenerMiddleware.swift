import Hummingbird
import NIOCore
import RelayCore
import Synchronization

/// Answers 503 with `Retry-After: 1` when `limit` requests are already in progress on the listener
/// (`server.max_concurrent_requests`), so a flood costs a bounded amount of work; Firehose retries a
/// 503. `GET /healthz` is never refused, so a busy instance is not taken for a dead one.
struct ConcurrencyLimitMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let limit: Int
    private let inProgress = SharedCount()

    init(limit: Int) {
        self.limit = limit
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path == "/healthz" { return try await next(request, context) }
        guard inProgress.enter(limit: limit) else {
            return Response(
                status: .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "1"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "too many requests in progress; retry\n")))
        }
        defer { inProgress.leave() }
        return try await next(request, context)
    }
}

/// A count shared by every request of a listener.
private final class SharedCount: Sendable {
    private let value = Mutex(0)

    func enter(limit: Int) -> Bool {
        value.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        value.withLock { $0 -= 1 }
    }
}

/// Requires `Authorization: Bearer <server.admin_token>` on every request of the admin listener;
/// answers 401 with `WWW-Authenticate: Bearer` otherwise. The token is compared in constant time and
/// read on every request, so a rotated secret takes effect without a restart. A current value shorter
/// than 16 bytes (e.g. a Secrets Manager value changed to a short one) admits no one.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let token: Credential

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let expected = Array(token.value.utf8)
        guard expected.count >= ServerConfiguration.minimumAdminTokenBytes,
            let presented = Self.bearer(in: request.headers[.authorization]),
            Self.constantTimeEquals(Array(presented.utf8), expected)
        else {
            return Response(
                status: .unauthorized,
                headers: [
                    .contentType: "text/plain; charset=utf-8", .wwwAuthenticate: #"Bearer realm="ccrelay admin""#,
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "a bearer token is required\n")))
        }
        return try await next(request, context)
    }

    /// The credentials of an `Authorization: Bearer ...` header (scheme case-insensitive).
    static func bearer(in header: String?) -> Substring? {
        guard let header, let space = header.firstIndex(of: " "),
            header[..<space].lowercased() == "bearer"
        else { return nil }
        let credentials = header[header.index(after: space)...].drop { $0 == " " }
        return credentials.isEmpty ? nil : credentials
    }

    /// Equality whose running time depends only on the lengths, not on where the bytes differ.
    static func constantTimeEquals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        for index in expected.indices {
            difference |= expected[index] ^ (index < presented.count ? presented[index] : 0)
        }
        return difference == 0
    }
}
