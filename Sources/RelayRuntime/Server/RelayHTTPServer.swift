import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import RelayAWS
import RelayAlerts
import RelayConfig
import RelayCore
import RelayHTTP
import RelayObservability
import ServiceLifecycle

/// One of ccrelay's two HTTP listeners, a Hummingbird application run as a `Service`:
///
/// * ``push(settings:mounts:logger:)``: every push receiver's routes and `GET /healthz`
///   (200 `{"status":"ok"}`: alive), on `server.listen` with `server.tls`;
/// * ``admin(settings:observed:logger:)``: the operator endpoints (`/`, `/metrics`, `/readyz`,
///   `/deadletters`), on `server.admin_listen` with `server.admin_tls`, behind `server.admin_token`.
///
/// Both apply the idle and header timeouts, the connection cap and the concurrent-request limit of
/// ``ServerConfiguration``. TLS files are read when the server starts, so the server a reload (SIGHUP)
/// builds serves renewed certificates. Graceful shutdown stops accepting connections and lets
/// in-flight requests (and their commits) finish.
public struct RelayHTTPServer: Service {
    /// A receiver and the intake it writes to.
    public struct Mount: Sendable {
        public var receiver: any HTTPReceiver
        public var intake: any SourceSender

        public init(receiver: any HTTPReceiver, intake: any SourceSender) {
            self.receiver = receiver
            self.intake = intake
        }
    }

    /// Which listener a server is.
    public enum Listener: String, Sendable {
        case push, admin
    }

    public let settings: ServerConfiguration
    public let listener: Listener
    private let mounts: [Mount]
    private let observed: ObservedPipeline?
    private let logger: Logger
    private let port = BoundPortPromise()

    /// The push listener: the receivers of `mounts` and `/healthz`.
    public static func push(settings: ServerConfiguration, mounts: [Mount], logger: Logger) -> RelayHTTPServer {
        RelayHTTPServer(settings: settings, listener: .push, mounts: mounts, observed: nil, logger: logger)
    }

    /// The admin listener: the operator endpoints reading `observed`.
    public static func admin(settings: ServerConfiguration, observed: ObservedPipeline, logger: Logger)
        -> RelayHTTPServer
    {
        RelayHTTPServer(settings: settings, listener: .admin, mounts: [], observed: observed, logger: logger)
    }

    private init(
        settings: ServerConfiguration, listener: Listener, mounts: [Mount], observed: ObservedPipeline?, logger: Logger
    ) {
        self.settings = settings
        self.listener = listener
        self.mounts = mounts
        self.observed = observed
        var logger = logger
        logger[metadataKey: "ccrelay.component"] = "http_server"
        logger[metadataKey: "ccrelay.listener"] = "\(listener.rawValue)"
        self.logger = logger
    }

    /// The address this listener binds.
    public var address: ListenAddress {
        listener == .push ? settings.listen : settings.admin
    }

    /// The certificate files this listener serves TLS with; nil for plain HTTP.
    public var tls: TLSFiles? {
        listener == .push ? settings.tls : settings.adminTLS
    }

    /// The router of this listener, its token check first, then its request limit.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        if listener == .admin, let token = settings.adminToken {
            router.add(middleware: BearerTokenMiddleware(token: token))
        }
        router.add(middleware: ConcurrencyLimitMiddleware(limit: settings.maxConcurrentRequests))
        switch listener {
        case .push:
            router.get("/healthz") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
            }
            for mount in mounts {
                mount.receiver.addRoutes(to: router, intake: mount.intake)
            }
        case .admin:
            if let observed { ObservabilityRoutes.add(to: router, pipeline: observed) }
        }
        return router
    }

    /// HTTP/1.1 with the timeouts and the connection cap, over TLS when configured (files read now).
    func makeServerBuilder() throws -> HTTPServerBuilder {
        let connections = ConnectionCounter(limit: settings.maxConnections)
        let headerTimeout = settings.headerTimeout
        let http1 = HTTPServerBuilder.http1(
            configuration: .init(
                additionalChannelHandlers: [
                    ConnectionCapHandler(counter: connections), RequestHeadTimeoutHandler(timeout: headerTimeout),
                ],
                idleTimeout: TimeAmount(settings.idleTimeout)))
        guard let tls else { return http1 }
        return try HTTPServerBuilder.tls(http1, tlsConfiguration: try tls.makeServerConfiguration())
    }

    public func run() async throws {
        let port = self.port
        let application: Application<RouterResponder<BasicRequestContext>>
        do {
            application = Application(
                router: makeRouter(),
                server: try makeServerBuilder(),
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: "ccrelay"),
                onServerRunning: { channel in
                    if let bound = channel.localAddress?.port {
                        port.fulfill(bound)
                    } else {
                        port.fail(RelayError(.configInvalid, "the HTTP server reported no bound port"))
                    }
                },
                logger: logger
            )
            // `run()`, not `runService()`: the latter adds its own SIGTERM/SIGINT handling, so the server
            // stopped on the signal out of the group's shutdown order and ccrelay exited 1.
            try await application.run()
            port.fail(RelayError(.cancelled, "the HTTP server stopped before it was listening"))
        } catch {
            port.fail(error)
            throw error
        }
    }

    /// The TCP port the server listens on, once it does (the configured one, or the OS's choice
    /// for port 0). Throws when the server stopped before listening (e.g. the address is in use).
    public func boundPort() async throws -> Int {
        try await port.wait()
    }
}
