import RelayCore

/// ccrelay's two HTTP listeners (`server:`).
///
/// * The **push listener** (`server.listen`) faces the senders (Firehose, EventBridge API
///   destinations): it serves only the push receivers and `GET /healthz`. It starts when the
///   configuration has a `server:` section or a push source.
/// * The **admin listener** (`server.admin_listen`) serves the operator pages (`/`, `/metrics`,
///   `/readyz`, `/deadletters`), behind `server.admin_token` when one is set. It runs whenever the
///   daemon runs (`ccrelay run`, the demo), never in `once`.
///
/// Both listeners apply the same timeouts and limits, each counting its own connections and requests.
public struct ServerConfiguration: Sendable, Equatable {
    /// Push listener address (`server.listen`, `HOST:PORT`). Default `127.0.0.1:8080`; use
    /// `0.0.0.0:8080` behind a load balancer. Port 0 lets the OS choose (tests).
    public var host: String
    public var port: Int
    /// True when the configuration has a `server:` section (then the push listener starts even
    /// without a push source). Default false.
    public var configured: Bool
    /// Admin listener address (`server.admin_listen`). Default `127.0.0.1:8081`.
    public var admin = ListenAddress(host: "127.0.0.1", port: 8081)
    /// Bearer token the admin listener requires (`server.admin_token`, a credential reference of at
    /// least 16 bytes). Default none: the admin listener answers anyone who can reach it.
    public var adminToken: Credential?
    /// Certificate and key the push listener serves TLS with (`server.tls`). Default none: plain HTTP.
    public var tls: TLSFiles?
    /// Certificate and key the admin listener serves TLS with (`server.admin_tls`). Default none.
    public var adminTLS: TLSFiles?
    /// How long a connection may stay open with no request in progress (`server.idle_timeout_secs`).
    /// Default 60 s.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a connection may take, from its opening or from its previous response, to send a
    /// complete request head (`server.header_timeout_secs`). Default 10 s.
    public var headerTimeout: Duration = .seconds(10)
    /// Open connections per listener; the one beyond is closed at once (`server.max_connections`).
    /// Default 1,024.
    public var maxConnections = 1_024
    /// Requests handled at once per listener; beyond, 503 with `Retry-After: 1`
    /// (`server.max_concurrent_requests`). Default 64.
    public var maxConcurrentRequests = 64

    public init(host: String = "127.0.0.1", port: Int = 8080, configured: Bool = false) {
        self.host = host
        self.port = port
        self.configured = configured
    }

    /// The default push listen address.
    public static let defaultListen = "127.0.0.1:8080"
    /// The default admin listen address.
    public static let defaultAdminListen = "127.0.0.1:8081"
    /// The shortest admin token accepted, in bytes.
    public static let minimumAdminTokenBytes = 16

    /// The push listener's address.
    public var listen: ListenAddress {
        get { ListenAddress(host: host, port: port) }
        set { (host, port) = (newValue.host, newValue.port) }
    }

    /// Parses `HOST:PORT` (`[v6]:PORT` for IPv6) as the push listener's address.
    /// - Throws: `RelayError(.configInvalid)` quoting the text.
    public init(listen: String) throws(RelayError) {
        let address = try ListenAddress(parsing: listen)
        self.init(host: address.host, port: address.port)
    }
}

/// A `HOST:PORT` a listener binds.
public struct ListenAddress: Sendable, Equatable {
    public var host: String
    /// 0 lets the OS choose (tests).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (`[v6]:PORT` for IPv6).
    /// - Throws: `RelayError(.configInvalid)` quoting the text.
    public init(parsing text: String) throws(RelayError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw RelayError(.configInvalid, "listen \"\(text)\" is not HOST:PORT")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw RelayError(.configInvalid, "listen \"\(text)\" is not HOST:PORT with a port in 0...65535")
        }
        self.init(host: host, port: port)
    }
}

/// A PEM certificate chain and private key a listener serves TLS with (`cert_file`, `key_file`).
/// The files are read each time a server is built, so a reload (SIGHUP) serves renewed ones.
public struct TLSFiles: Sendable, Equatable {
    public var certFile: String
    public var keyFile: String

    public init(certFile: String, keyFile: String) {
        self.certFile = certFile
        self.keyFile = keyFile
    }
}
