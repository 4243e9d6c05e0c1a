import HTTPTypes
import Hummingbird
import Logging
import RelayCore
import Synchronization

/// A local stand-in for the two credential endpoints an AWS workload asks without keys: EC2 instance
/// metadata with IMDSv2 (`PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds`, then
/// `GET /latest/meta-data/iam/security-credentials/` and `.../{role}` with `X-aws-ec2-metadata-token`;
/// a `GET` without a valid token gets 401) and the container credentials endpoint
/// (`GET /container/credentials`, `Authorization` checked when a token is configured). Each issue of
/// credentials gets a new access key id (`ASIAEMULATOR0000001`, `…02`, …) and session token, and
/// the ``expiration`` the test sets. Point `AWS_EC2_METADATA_SERVICE_ENDPOINT` at the base URL, or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` at base URL + ``containerPath``.
public final class InstanceCredentialsEmulator: Sendable {
    /// The container endpoint's path.
    public static let containerPath = "/container/credentials"

    struct State {
        var expiration: WallInstant
        var tokens: Set<String> = []
        var issued = 0
        var refusedRequests = 0
    }

    /// The instance role's name.
    public let roleName: String
    /// The `Authorization` value the container endpoint requires; `nil` accepts any request.
    public let containerAuthorization: String?
    let state: Mutex<State>

    /// - Parameter expiration: `Expiration` of the credentials issued until ``expiration`` is changed.
    public init(roleName: String = "ccrelay-role", containerAuthorization: String? = nil, expiration: WallInstant) {
        self.roleName = roleName
        self.containerAuthorization = containerAuthorization
        self.state = Mutex(State(expiration: expiration))
    }

    /// The `Expiration` of credentials issued from now on.
    public var expiration: WallInstant {
        get { state.withLock { $0.expiration } }
        set { state.withLock { $0.expiration = newValue } }
    }

    /// How many credentials were issued (IMDS and container together).
    public var issuedCount: Int { state.withLock { $0.issued } }

    /// Requests refused for a missing or wrong token or authorization.
    public var refusedCount: Int { state.withLock { $0.refusedRequests } }

    /// The access key id of the `number`th credentials issued (from 1).
    public static func accessKeyID(_ number: Int) -> String {
        let digits = String(number)
        return "ASIAEMULATOR" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// The session token of the `number`th credentials issued (from 1).
    public static func sessionToken(_ number: Int) -> String { "emulator-session-token-\(number)" }

    func issue() -> JSONValue {
        let (number, expiration) = state.withLock { state in
            state.issued += 1
            return (state.issued, state.expiration)
        }
        return [
            "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": .string(Self.accessKeyID(number)),
            "SecretAccessKey": .string("emulator-secret-\(number)"), "Token": .string(Self.sessionToken(number)),
            "Expiration": .string(expiration.timestamp.iso8601),
        ]
    }

    func refuse() {
        state.withLock { $0.refusedRequests += 1 }
    }
}

extension InstanceCredentialsEmulator: SandboxEmulator {
    var sandboxName: String { "aws-credentials" }
    static let ttlHeader = HTTPField.Name("X-aws-ec2-metadata-token-ttl-seconds")!
    static let tokenHeader = HTTPField.Name("X-aws-ec2-metadata-token")!

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.put("/latest/api/token") { request, _ in
            guard let ttl = request.headers[Self.ttlHeader].flatMap({ Int($0) }), (1...21_600).contains(ttl) else {
                self.refuse()
                return Self.text(.badRequest, "")
            }
            let token = "imds-token-" + String(UInt64.random(in: 1...UInt64.max))
            self.state.withLock { _ = $0.tokens.insert(token) }
            return Self.text(.ok, token)
        }
        router.get("/latest/meta-data/iam/security-credentials/") { request, _ in
            guard self.hasToken(request) else { return Self.text(.unauthorized, "") }
            return Self.text(.ok, self.roleName)
        }
        router.get("/latest/meta-data/iam/security-credentials/:role") { request, context in
            guard self.hasToken(request) else { return Self.text(.unauthorized, "") }
            guard context.parameters.get("role") == self.roleName else { return Self.text(.notFound, "") }
            return SandboxHTTP.json(.ok, self.issue())
        }
        router.get(RouterPath(stringLiteral: Self.containerPath)) { request, _ in
            if let required = self.containerAuthorization, request.headers[.authorization] != required {
                self.refuse()
                return SandboxHTTP.json(.unauthorized, ["message": "invalid authorization token"])
            }
            return SandboxHTTP.json(.ok, self.issue())
        }
        return router
    }

    /// Whether the request carries a token this emulator issued (IMDSv2 refuses it otherwise).
    private func hasToken(_ request: Request) -> Bool {
        let token = request.headers[Self.tokenHeader]
        let known = state.withLock { state in token.map { state.tokens.contains($0) } ?? false }
        if !known { refuse() }
        return known
    }

    private static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Sandbox {
    /// Serves the instance metadata and container credentials emulator while `body` runs; `body`
    /// receives its base URL.
    public static func withRunning<T: Sendable>(
        instanceCredentials: InstanceCredentialsEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([instanceCredentials], logger: logger) { urls in
            try await body(urls[0])
        }
    }
}
