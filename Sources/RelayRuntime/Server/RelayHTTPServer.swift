import Hummingbird
import Logging
import NIOCore
import RelayAWS
import RelayConfig
import RelayAlerts
import RelayCore
import RelayHTTP
import RelayObservability
import ServiceLifecycle

/// ccrelay's HTTP server: one Hummingbird application serving every push receiver's routes,
/// `GET /healthz` (200 `{"status":"ok"}`: alive) and, given an observed pipeline, the operator
/// endpoints (`/metrics`, `/readyz`, the status page `/`, `/deadletters`), run as a `Service`.
/// Graceful shutdown stops accepting connections and lets in-flight requests (and their commits) finish.
public struct RelayHTTPServer: Service {
    /// A receiver and the intake it writes to.
    public struct Mount: Sendable {
        public var receiver: any HTTPReceiver
        public var intake: any IntakeSink

        public init(receiver: any HTTPReceiver, intake: any IntakeSink) {
            self.receiver = receiver
            self.intake = intake
        }
    }

    public let settings: ServerSettings
    private let mounts: [Mount]
    private let observed: ObservedPipeline?
    private let logger: Logger
    private let port = BoundPortPromise()

    /// - Parameter observed: the pipeline the operator endpoints report on; `nil` serves only the
    ///   receivers and `/healthz`.
    public init(settings: ServerSettings, mounts: [Mount], observed: ObservedPipeline? = nil, logger: Logger) {
        self.settings = settings
        self.mounts = mounts
        self.observed = observed
        var logger = logger
        logger[metadataKey: "ccrelay.component"] = "http_server"
        self.logger = logger
    }

    /// The router with every receiver's routes, `/healthz` and the operator endpoints.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        if let observed { ObservabilityRoutes.add(to: router, pipeline: observed) }
        for mount in mounts {
            mount.receiver.addRoutes(to: router, intake: mount.intake)
        }
        return router
    }

    public func run() async throws {
        let port = self.port
        let application = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "ccrelay"),
            onServerRunning: { channel in
                if let bound = channel.localAddress?.port {
                    port.fulfill(bound)
                } else {
                    port.fail(RelayError(.configInvalid, "the HTTP server reported no bound port"))
                }
            },
            logger: logger
        )
        do {
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
