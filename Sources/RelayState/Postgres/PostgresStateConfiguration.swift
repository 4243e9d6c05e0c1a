import Foundation
import RelayCore

/// Where and how ``PostgresStateStore`` connects: `state.postgres` in the configuration file.
///
/// Built from a URL, `postgres://user:password@host:port/database?sslmode=disable|prefer|require`
/// (`postgresql://` too; user and password percent-encoded). The password never appears in
/// ``description`` or any error; ``redactedURL`` shows it as `***`.
public struct PostgresStateConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS (`sslmode` in the URL).
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain otherwise. The default.
        case prefer
        /// TLS or no connection.
        case require
    }

    public var host: String
    /// Default 5432.
    public var port: Int
    public var username: String
    public var password: String?
    /// The database; `nil` means the server's default for the user.
    public var database: String?
    /// Default ``TLSMode/prefer``.
    public var tls: TLSMode
    /// Most connections the store opens. Default 4.
    public var poolSize: Int
    /// The schema the store's tables live in (created when missing); `nil` (the default) uses
    /// the server's `search_path` (normally `public`). Letters, digits and `_` only.
    public var schema: String?
    /// How long opening one connection may take. Default 10 seconds.
    public var connectTimeout: Duration

    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database?sslmode=...`.
    ///   - poolSize: Most connections; default 4.
    ///   - schema: The schema of the tables; default `nil` (the server's search path).
    /// - Throws: `RelayError(.configInvalid)` naming what is wrong with the URL, never its password.
    public init(url: String, poolSize: Int = 4, schema: String? = nil) throws(RelayError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw RelayError(.configInvalid, "not a postgres:// URL: \(Self.redact(url))")
        }
        guard let host = components.host, !host.isEmpty else {
            throw RelayError(.configInvalid, "the URL names no host: \(Self.redact(url))")
        }
        guard let username = components.user, !username.isEmpty else {
            throw RelayError(.configInvalid, "the URL names no user: \(Self.redact(url))")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw RelayError(.configInvalid, "sslmode must be disable, prefer or require: \(Self.redact(url))")
                }
                tls = mode
            default:
                throw RelayError(
                    .configInvalid, "unknown URL parameter \"\(item.name)\" (known: sslmode): \(Self.redact(url))")
            }
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        self.database = path.isEmpty ? nil : path
        self.tls = tls
        self.poolSize = poolSize
        self.schema = schema
        self.connectTimeout = .seconds(10)
        try validate()
    }

    /// Checks the pool size and the schema name.
    public func validate() throws(RelayError) {
        guard (1...100).contains(poolSize) else {
            throw RelayError(.configInvalid, "pool_size must be between 1 and 100, not \(poolSize)")
        }
        if let schema {
            let valid =
                !schema.isEmpty && schema.count <= 63 && schema.first.map { !$0.isNumber } == true
                && schema.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard valid else {
                throw RelayError(
                    .configInvalid,
                    "schema \"\(schema)\" must use letters, digits and '_' only (not starting with a digit)")
            }
        }
    }

    /// The connection URL with the password replaced by `***`.
    public var redactedURL: String {
        let credentials = password == nil ? username : "\(username):***"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(hostPart):\(port)/\(database ?? "")"
    }

    public var description: String { redactedURL }

    /// A URL with whatever sits between `://` and `@` reduced to the user name, for error messages.
    static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"),
            let at = url.range(of: "@", range: schemeEnd.upperBound..<url.endIndex)
        else { return url }
        let userInfo = url[schemeEnd.upperBound..<at.lowerBound]
        let user = userInfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let masked = userInfo.contains(":") ? "\(user):***" : user
        return String(url[..<schemeEnd.upperBound]) + masked + String(url[at.lowerBound...])
    }
}
