import RelayCore

/// How an EventBridge API destination authenticates (its connection's authorization).
public enum APIDestinationAuth: Sendable, Equatable {
    /// An API-key connection: the header `name` must carry the current value of one of `values`
    /// (several during a rotation).
    case apiKey(header: String, values: [Credential])
    /// A basic-auth connection: `Authorization: Basic base64(username:password)` matching one pair.
    case basic(credentials: [BasicCredential])
}

/// One accepted username and password (the password a credential, compared at its current value).
public struct BasicCredential: Sendable, Equatable {
    public var username: String
    public var password: Credential

    public init(username: String, password: Credential) {
        self.username = username
        self.password = password
    }
}

/// A `type: eventbridge_api_destination` source: EventBridge delivers one event per POST.
public struct APIDestinationReceiverConfiguration: Sendable {
    /// The source name (`sources.NAME`).
    public var name: String
    /// The URL path the API destination POSTs to (`path`). Default `/eventbridge`.
    public var path: String
    /// The connection's authorization (`auth`). No default.
    public var auth: APIDestinationAuth
    /// Largest request body (`max_body_bytes`). Default 1 MiB (EventBridge events are at most 256 KB).
    public var maxBodyBytes: Int
    /// Keep the whole EventBridge event in the event's `raw` (`keep_raw`). Default `false`.
    public var keepRaw: Bool
    /// Most parts of one body that may be dead-lettered (`max_dead_letters_per_request`; a body
    /// may hold several events back to back or one per line). Default 1,000. Beyond it the request
    /// is refused with 400 before anything is stored (EventBridge does not retry a 400: it sends
    /// the event to the rule target's dead-letter queue when one is set); `0` refuses any bad part.
    public var maxDeadLettersPerRequest: Int

    /// The shortest API key or password accepted (a shared secret: guessable short ones are refused).
    public static let minimumSecretBytes = 16

    public init(
        name: String, path: String = "/eventbridge", auth: APIDestinationAuth, maxBodyBytes: Int = 1 << 20,
        keepRaw: Bool = false, maxDeadLettersPerRequest: Int = 1_000
    ) {
        self.maxDeadLettersPerRequest = maxDeadLettersPerRequest
        self.name = name
        self.path = path
        self.auth = auth
        self.maxBodyBytes = maxBodyBytes
        self.keepRaw = keepRaw
    }

    /// Pure validation: each problem as `key: message`.
    public func problems() -> [String] {
        var problems: [String] = []
        if !path.hasPrefix("/") { problems.append("path: must start with /") }
        if path.contains("?") || path.contains("#") { problems.append("path: must not contain ? or #") }
        switch auth {
        case .apiKey(let header, let values):
            let allowed = header.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
            if header.isEmpty || !allowed { problems.append("auth.header: must be a valid HTTP header name") }
            if values.isEmpty { problems.append("auth.values: at least one value is required") }

        case .basic(let credentials):
            if credentials.isEmpty {
                problems.append("auth.credentials: at least one username and password is required")
            }
            for (index, credential) in credentials.enumerated() {
                if credential.username.isEmpty || credential.username.contains(":") {
                    problems.append("auth.credentials[\(index)].username: must be non-empty without ':'")
                }
            }
        }
        if maxBodyBytes < 1024 || maxBodyBytes > 64 << 20 { problems.append("max_body_bytes: must be 1024...67108864") }
        if maxDeadLettersPerRequest < 0 || maxDeadLettersPerRequest > 100_000 {
            problems.append("max_dead_letters_per_request: must be 0...100000")
        }
        return problems
    }
}
