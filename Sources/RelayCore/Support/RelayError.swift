/// ccrelay's error: a stable code to match on and a message that names the offending input.
/// Messages never contain secrets; callers pass names and references, never credential values.
public struct RelayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, dotted error code such as `config.invalid` or `http.status`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let configInvalid = Code(rawValue: "config.invalid")
        public static let stateStore = Code(rawValue: "state.store")
        public static let transport = Code(rawValue: "http.transport")
        public static let httpStatus = Code(rawValue: "http.status")
        public static let authentication = Code(rawValue: "auth.rejected")
        public static let rateLimited = Code(rawValue: "http.rate_limited")
        public static let malformedResponse = Code(rawValue: "response.malformed")
        public static let malformedRecord = Code(rawValue: "record.malformed")
        public static let cancelled = Code(rawValue: "cancelled")
    }

    public let code: Code
    public let message: String
    /// How long the remote party asked us to wait, when it did (`Retry-After`).
    public let retryAfter: Duration?

    public init(_ code: Code, _ message: String, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "[\(code)] \(message)" }
}
