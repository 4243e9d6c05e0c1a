import ArgumentParser
import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime
import RelayState
import ServiceLifecycle
import UnixSignals

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline as a daemon until SIGTERM or SIGINT; SIGHUP reloads the configuration.",
        discussion: """
            Every pull source polls on its interval; every sink delivers its outbox. On SIGTERM/SIGINT intake
            stops first, in-flight batches finish (or return to the outbox) within 30 s, state is persisted, and
            the process exits 0. Whatever was not delivered is delivered after the next start.
            SIGHUP re-reads the configuration file: an invalid one is logged and ignored; a valid one replaces
            the running pipeline after it stops as on SIGTERM (nothing is lost: all state is durable).
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let metrics = MetricsExporter()
        metrics.bootstrapProcessWide()
        let path = config
        let daemon = ReloadingDaemon(
            logger: logger,
            load: { try await loadResolvedConfiguration(path: path, logger: logger) },
            build: { configuration in try RelayRuntime(configuration: configuration, metrics: metrics, logger: logger) }
        )
        try await exitingTwiceOnNewerState {
            try await daemon.run(reloads: await UnixSignalsSequence(trapping: .sighup))
        }
        logger.info("ccrelay stopped")
    }
}

struct OnceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once",
        abstract: "Run one extraction cycle of every pull source, deliver, and exit (for cron and container jobs).",
        discussion: """
            A source stopped by a platform rate limit waits it out and continues when the wait ends before the
            deadline; one still rate limited at the deadline counts in unfinished_sources.
            Exit codes: 0 everything pulled and delivered; 1 a source cycle failed or was unfinished, something was
            dead-lettered, or the outboxes were not empty at the deadline (it stays queued for the next run); 2 invalid configuration,
            or a state database migrated by a newer ccrelay.
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String

    @Option(help: "Seconds to pull (waiting out rate limits) and deliver before giving up.")
    var deadlineSecs: Int = 300

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let configuration = try await loadResolvedConfiguration(path: config, logger: logger)
        let clock = SystemClock()
        let report = try await exitingTwiceOnNewerState {
            let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
            return try await runtime.whileRunning {
                try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(deadlineSecs)))
            }
        }
        print(
            "failed_sources=\(report.failedSources.count) unfinished_sources=\(report.unfinishedSources.count) delivered=\(report.delivered) dead_lettered=\(report.deadLettered) remaining=\(report.remaining)"
        )
        if !report.succeeded { throw ExitCode(1) }
    }
}

/// Runs `body`, turning a state database migrated by a newer ccrelay into exit 2, like an invalid
/// configuration: no restart can fix it, so systemd's `RestartPreventExitStatus=2` and a job's
/// failure policy stop there instead of restarting forever.
func exitingTwiceOnNewerState<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as RelayError where error.code == .stateSchemaNewer {
        printError("\(error)")
        throw ExitCode(2)
    }
}

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file and report every problem with its YAML path (exit 2 when invalid).",
        discussion: """
            References (${VAR}, ${env:VAR}, ${file:PATH}) are resolved, so a missing secret is reported too; \
            ${aws-secretsmanager:...} references are checked for form only (run and check fetch them). \
            With --no-environment no reference is read: each stands for a plausible value, so the structure \
            of a file can be checked on a machine without its secrets. \
            A literal credential is refused unless allow_inline_secrets: true. Values are never printed.
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String

    @Flag(help: "Check structure only: do not read environment variables or files that references name.")
    var noEnvironment = false

    func run() async throws {
        let configuration: RelayConfiguration
        if noEnvironment {
            do {
                configuration = try ConfigLoader(interpolation: .withoutEnvironment(), allowsLambdaOnly: true).load(
                    path: config)
            } catch {
                printError("\(config): \(error)")
                throw ExitCode(2)
            }
        } else {
            configuration = try loadConfiguration(path: config, allowsLambdaOnly: true)
        }
        if configuration.sources.isEmpty, let lambda = configuration.lambda {
            print("\(config): OK (AWS Lambda only: \(lambda.handler?.rawValue ?? "handler from CCRELAY_HANDLER"))")
        } else {
            print(
                "\(config): OK (\(configuration.sources.count) source(s), \(configuration.routes.count) route(s), \(configuration.sinks.count) sink(s))"
            )
        }
        for warning in configuration.warnings { print("  warning: \(warning)") }
    }
}
