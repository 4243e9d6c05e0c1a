import ArgumentParser
import RelayConfig
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every sink's and pull source's credential against its remote party, without moving data.",
        discussion: """
            Prints one line per component: valid, rejected (with the reason) or unknown (the check itself failed
            or the component cannot check), then one line per secret: where it comes from (environment, file with its
            modification time, AWS Secrets Manager with its version id) and whether the party using it accepts it.
            Splunk HEC tokens are checked with an empty POST (code 5 = valid);
            Genesys Cloud clients by fetching a token. Nothing is delivered, extracted or written to the state store.
            Exit codes: 0 every credential valid or unknown; 1 any rejected; 2 invalid configuration.
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let configuration = try await loadResolvedConfiguration(path: config, logger: logger)
        let report = try await CredentialCheck.run(configuration: configuration, logger: logger)
        for line in report.lines { writeLine(line) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
