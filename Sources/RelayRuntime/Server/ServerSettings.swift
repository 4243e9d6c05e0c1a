import RelayCore

/// ccrelay's own HTTP server (`server:`), which serves the push receivers, `GET /healthz`, and the
/// operator endpoints (`/metrics`, `/readyz`, `/`, `/deadletters`). It starts when the
/// configuration has a `server:` section or a push source (`firehose`, `eventbridge_api_destination`).
public struct ServerSettings: Sendable, Equatable {
    /// Address to bind (`server.listen`, `HOST:PORT`). Default `127.0.0.1:8080`; use `0.0.0.0:8080`
    /// behind a load balancer. Port 0 lets the OS choose (tests).
    public var host: String
    public var port: Int
    /// True when the configuration has a `server:` section (then the server starts even without a
    /// push source). Default false.
    public var configured: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, configured: Bool = false) {
        self.host = host
        self.port = port
        self.configured = configured
    }

    /// The default listen address.
    public static let defaultListen = "127.0.0.1:8080"

    /// Parses `HOST:PORT` (`[v6]:PORT` for IPv6).
    /// - Throws: `RelayError(.configInvalid)` quoting the text.
    public init(listen: String) throws(RelayError) {
        guard let colon = listen.lastIndex(of: ":") else {
            throw RelayError(.configInvalid, "listen \"\(listen)\" is not HOST:PORT")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port) else {
            throw RelayError(.configInvalid, "listen \"\(listen)\" is not HOST:PORT with a port in 0...65535")
        }
        self.init(host: host, port: port)
    }
}
