import Hummingbird
import Logging
import RelayCore
import ServiceLifecycle

/// An emulator that can be served over HTTP: it contributes its routes; the shared plumbing below
/// binds a server for it. New emulators (Datadog, Sumo Logic, Firehose) conform the same way.
protocol SandboxEmulator: Sendable {
    /// Short name for log metadata (`ccrelay.sandbox`), e.g. `genesys`.
    var sandboxName: String { get }
    /// Every route of the emulated party, on one base URL.
    func buildRouter() -> Hummingbird.Router<BasicRequestContext>
}

/// Runs one HTTP server per emulator on `127.0.0.1`, each on a port chosen by the OS, for the
/// duration of a closure: structured, so no server outlives the call.
enum SandboxServers {
    /// Starts the servers, waits until each listens, runs `body` with their base URLs (in the
    /// order of `emulators`), then shuts the servers down gracefully and returns `body`'s result.
    static func withRunning<T: Sendable>(
        _ emulators: [any SandboxEmulator],
        logger: Logger,
        _ body: ([String]) async throws -> T
    ) async throws -> T {
        let promises = emulators.map { _ in BoundPortPromise() }
        var services: [any Service] = []
        for (emulator, promise) in zip(emulators, promises) {
            services.append(makeApplication(emulator, logger: logger, promise: promise))
        }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))

        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await group.run()
                    promises.forEach { $0.fail(SandboxServerError.stoppedBeforeListening) }
                } catch {
                    promises.forEach { $0.fail(error) }
                    throw error
                }
            }
            let outcome: Result<T, any Error>
            do {
                var urls: [String] = []
                for promise in promises {
                    urls.append("http://127.0.0.1:\(try await promise.wait())")
                }
                outcome = .success(try await body(urls))
            } catch {
                outcome = .failure(error)
            }
            await group.triggerGracefulShutdown()
            do {
                try await tasks.waitForAll()
            } catch {
                // A server failure matters only when the body itself succeeded.
                if case .success = outcome { throw error }
            }
            return try outcome.get()
        }
    }

    private static func makeApplication(
        _ emulator: any SandboxEmulator,
        logger: Logger,
        promise: BoundPortPromise
    ) -> some Service {
        var logger = logger
        logger[metadataKey: "ccrelay.sandbox"] = .string(emulator.sandboxName)
        return Application(
            router: emulator.buildRouter(),
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionDropHandler()])),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port {
                    promise.fulfill(port)
                } else {
                    promise.fail(SandboxServerError.noBoundPort)
                }
            },
            logger: logger
        )
    }
}

/// Why an emulator's server could not be used.
public struct SandboxServerError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case stoppedBeforeListening
        case noBoundPort
    }

    private let code: Code

    /// The server stopped before it reported a listening port.
    public static let stoppedBeforeListening = SandboxServerError(code: .stoppedBeforeListening)
    /// The server's channel had no local port.
    public static let noBoundPort = SandboxServerError(code: .noBoundPort)

    public var description: String {
        switch code {
        case .stoppedBeforeListening: "sandbox server stopped before it was listening"
        case .noBoundPort: "sandbox server reported no bound port"
        }
    }
}
