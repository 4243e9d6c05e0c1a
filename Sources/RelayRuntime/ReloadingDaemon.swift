import Logging
import RelayCore
import ServiceLifecycle
import UnixSignals

/// The `ccrelay run` daemon: one ``RelayRuntime`` at a time, replaced when the configuration is
/// reloaded (SIGHUP).
///
/// A reload reads and validates the new configuration first; when it is invalid (or a secret does not
/// resolve) the error is logged with its YAML paths and the running pipeline carries on untouched.
/// When it is valid, the running pipeline stops as on SIGTERM (intake first, in-flight batches
/// finished or returned to the outbox, state persisted), and a new one starts from the same state
/// store with the new configuration. Nothing is lost across a reload because every checkpoint,
/// outbox row and ledger entry is durable; the only cost is the short gap while the HTTP receivers
/// rebind (Firehose retries what it could not deliver). The new runtime is built only after the old
/// one has stopped, so in-flight claims are never released under a running worker.
public struct ReloadingDaemon: Sendable {
    /// Reads, validates and resolves the configuration (called at start and on every reload).
    public typealias Load = @Sendable () async throws -> RelayConfiguration
    /// Builds a runtime from a configuration.
    public typealias Build = @Sendable (RelayConfiguration) throws -> RelayRuntime

    private let load: Load
    private let build: Build
    private let gracefulShutdownSignals: [UnixSignal]
    private let maximumGracefulShutdown: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - gracefulShutdownSignals: Signals that stop the daemon. Default SIGTERM and SIGINT; tests pass none.
    ///   - maximumGracefulShutdown: Longest a stop (or a reload's stop) waits for in-flight work. Default 30 s.
    public init(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], maximumGracefulShutdown: Duration = .seconds(30),
        logger: Logger, load: @escaping Load, build: @escaping Build
    ) {
        self.load = load
        self.build = build
        self.gracefulShutdownSignals = gracefulShutdownSignals
        self.maximumGracefulShutdown = maximumGracefulShutdown
        self.logger = logger
    }

    /// Runs until a shutdown signal (or cancellation); each element of `reloads` asks for a reload.
    /// `started` is called with every runtime once its services are about to run, `refused` with the
    /// error of every reload whose configuration was not accepted.
    public func run<Reloads: AsyncSequence & Sendable>(
        reloads: Reloads, started: @escaping @Sendable (RelayRuntime) -> Void = { _ in },
        refused: @escaping @Sendable (any Error) -> Void = { _ in }
    ) async throws where Reloads.Element: Sendable {
        var configuration = try await load()
        let controller = ReloadController(load: load, refused: refused, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                for try await _ in reloads { await controller.requestReload() }
            }
            while !Task.isCancelled {
                let runtime = try build(configuration)
                var groupConfiguration = ServiceGroupConfiguration(
                    services: runtime.services().map { .init(service: $0) }, logger: logger)
                groupConfiguration.gracefulShutdownSignals = gracefulShutdownSignals
                groupConfiguration.maximumGracefulShutdownDuration = maximumGracefulShutdown
                let group = ServiceGroup(configuration: groupConfiguration)
                logger.info(
                    "ccrelay pipeline started",
                    metadata: [
                        "ccrelay.sources": "\(runtime.sources.count)",
                        "ccrelay.receivers": "\(runtime.receivers.count)",
                        "ccrelay.sinks": "\(runtime.sinks.count)",
                    ])
                started(runtime)
                await controller.install(group)
                try await group.run()
                guard let next = await controller.takePending() else { break }
                configuration = next
                logger.notice("ccrelay pipeline restarting with the reloaded configuration")
            }
            tasks.cancelAll()
        }
    }
}

/// Holds the running service group and a validated configuration waiting to replace it.
private actor ReloadController {
    private let load: ReloadingDaemon.Load
    private let refused: @Sendable (any Error) -> Void
    private let logger: Logger
    private var group: ServiceGroup?
    private var pending: RelayConfiguration?

    init(load: @escaping ReloadingDaemon.Load, refused: @escaping @Sendable (any Error) -> Void, logger: Logger) {
        self.load = load
        self.refused = refused
        self.logger = logger
    }

    func install(_ group: ServiceGroup) async {
        self.group = group
        if pending != nil { await group.triggerGracefulShutdown() }
    }

    func takePending() -> RelayConfiguration? {
        defer { pending = nil }
        return pending
    }

    func requestReload() async {
        logger.notice("ccrelay configuration reload requested")
        do {
            pending = try await load()
        } catch {
            logger.error(
                "ccrelay configuration reload refused; the running pipeline continues unchanged",
                metadata: ["ccrelay.error": "\(error)"])
            refused(error)
            return
        }
        await group?.triggerGracefulShutdown()
    }
}
