import ArgumentParser
import Logging
import RelayConfig
import RelayObservability
import RelayOperations
import RelayRuntime

/// `ccrelay`: contact-center audit logs and events into your SIEM, durably and once. Its `main()`
/// (in LambdaCommand.swift) also runs `ccrelay lambda` when Lambda starts the binary as `bootstrap`.
@main
struct CCRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ccrelay",
        abstract:
            "Ship Genesys Cloud and NICE CXone audit logs and events into Splunk, Datadog, Sumo Logic and S3: durable, deduplicated, rate-limit-aware.",
        discussion: """
            Start with `ccrelay demo` (no setup: sandbox platforms, SQLite state, a local HEC index).
            Then write a config (see ccrelay.example.yaml), check it with `ccrelay validate --config FILE`,
            and run it with `ccrelay run --config FILE` (daemon) or `ccrelay once --config FILE` (cron, jobs).
            """,
        version: "ccrelay \(BuildInfo.versionLine)",
        subcommands: [
            RunCommand.self, OnceCommand.self, ValidateCommand.self, CheckCommand.self, DLQCommand.self,
            DemoCommand.self,
            SandboxCommand.self, PatternCommand.self, GenerateCommand.self, BackfillCommand.self,
            RedriveCommand.self,
            LambdaCommand.self,
        ]
    )
}

/// Logging options shared by every command.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log line format: human or json (JSON lines). Default: human on a terminal, json otherwise.")
    var logFormat: LogFormat?

    func makeLogger() -> Logger {
        bootstrapLogging(level: logLevel, format: logFormat ?? .automatic())
    }
}

/// Sets up logging to standard error at `level` in `format` (default: human on a terminal, JSON
/// lines otherwise) and returns the root logger.
func bootstrapLogging(level: Logger.Level, format: LogFormat = .automatic()) -> Logger {
    LoggingSystem.bootstrap { label in
        RelayLogHandler(label: label, format: format, level: level)
    }
    return Logger(label: "ccrelay")
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

/// Loads a configuration or exits 2 with every problem listed on standard error.
/// - Parameter allowsLambdaOnly: accept a file that sets up only Lambda functions (see
///   ``ConfigLoader/allowsLambdaOnly``). Default false.
func loadConfiguration(path: String, allowsLambdaOnly: Bool = false) throws -> RelayConfiguration {
    do {
        return try ConfigLoader(allowsLambdaOnly: allowsLambdaOnly).load(path: path)
    } catch {
        printError("\(path): \(error)")
        throw ExitCode(2)
    }
}

/// Loads a configuration and fetches its AWS Secrets Manager secrets, or exits 2 naming every key
/// whose reference cannot be resolved (the reference, never a value).
func loadResolvedConfiguration(path: String, logger: Logger) async throws -> RelayConfiguration {
    let configuration = try loadConfiguration(path: path)
    do {
        try await configuration.secrets.resolve(logger: logger)
    } catch {
        printError("\(path): \(error)")
        throw ExitCode(2)
    }
    for warning in configuration.warnings {
        logger.warning(
            "Configuration warning",
            metadata: ["ccrelay.config_path": "\(warning.path)", "ccrelay.warning": "\(warning.message)"])
    }
    return configuration
}

func printError(_ text: String) {
    writeLine(text, to: STDERR_FILENO)
}

/// Writes a line straight to a file descriptor (unbuffered, so a reader of a pipe sees it at once).
func writeLine(_ text: String, to descriptor: Int32 = STDOUT_FILENO) {
    let bytes = Array((text + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        offset += written
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
