import ArgumentParser
import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayLambda
import RelayObservability
import RelayOperations
import RelayRuntime

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Run as an AWS Lambda custom runtime (provided.al2023; the binary is the function's bootstrap).",
        discussion: """
            Speaks the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API. The handler is lambda.handler in the
            configuration, or the CCRELAY_HANDLER environment variable (which wins): firehose-transform (Firehose
            data transformation: every record answered Ok, Dropped or ProcessingFailed) or scheduled-extraction
            (one pull cycle per invocation, delivered before the deadline). The configuration file is --config or
            CCRELAY_CONFIG, else ccrelay.yaml in LAMBDA_TASK_ROOT (where scripts/package-lambda puts it). A
            configuration problem is reported through /runtime/init/error and the process exits 1. Lambda starts the
            bootstrap with no arguments: `ccrelay` alone with AWS_LAMBDA_RUNTIME_API set runs this command.
            """
    )

    @Option(
        name: .shortAndLong,
        help: "Configuration file (YAML); default CCRELAY_CONFIG, else $LAMBDA_TASK_ROOT/ccrelay.yaml.")
    var config: String?

    @Option(help: "Exit after this many invocations (tests and benchmarks); default never.")
    var maxInvocations: Int?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let environment = Interpolation.processEnvironment
        guard let endpoint = environment("AWS_LAMBDA_RUNTIME_API"), !endpoint.isEmpty else {
            printError(
                "ccrelay lambda: AWS_LAMBDA_RUNTIME_API is not set (this command runs inside AWS Lambda or its emulator)"
            )
            throw ExitCode(2)
        }
        let client = LambdaRuntimeClient(endpoint: endpoint)
        let handler: any LambdaHandler
        do {
            guard let path = Self.configurationPath(option: config, environment: environment) else {
                throw LambdaFunctionError.invalidConfiguration(
                    "no configuration: pass --config, set CCRELAY_CONFIG, or ship ccrelay.yaml in LAMBDA_TASK_ROOT")
            }
            guard let text = Interpolation().readFile(path) else {
                throw LambdaFunctionError.invalidConfiguration("\(path): configuration file cannot be read")
            }
            handler = try LambdaFunction.makeHandler(
                yaml: text, handlerOverride: environment(LambdaFunction.handlerVariable), logger: logger)
        } catch let error as LambdaFunctionError {
            logger.critical("Lambda runtime could not initialize", metadata: ["ccrelay.error": "\(error)"])
            try? await client.initializationFailed(error)
            throw ExitCode(1)
        }
        do {
            try await LambdaRuntimeLoop(client: client, handler: handler, logger: logger).run(
                maxInvocations: maxInvocations)
        } catch {
            logger.critical("Lambda Runtime API unavailable; exiting", metadata: ["ccrelay.error": "\(error)"])
            throw ExitCode(1)
        }
    }

    /// The configuration file: `--config`, else `CCRELAY_CONFIG`, else `ccrelay.yaml` in the function's
    /// code directory (`LAMBDA_TASK_ROOT`, which Lambda sets); `nil` when none is named.
    static func configurationPath(option: String?, environment: (String) -> String?) -> String? {
        if let option, !option.isEmpty { return option }
        if let named = environment(LambdaFunction.configVariable), !named.isEmpty { return named }
        guard let root = environment("LAMBDA_TASK_ROOT"), !root.isEmpty else { return nil }
        return root.hasSuffix("/") ? root + "ccrelay.yaml" : root + "/ccrelay.yaml"
    }
}

extension CCRelayCommand {
    /// The process entry point. Lambda starts a custom runtime's `bootstrap` with no arguments and
    /// the Runtime API's address in `AWS_LAMBDA_RUNTIME_API`; started that way, ccrelay runs
    /// `ccrelay lambda`. Otherwise the command line is parsed as given (no arguments: help).
    static func main() async {
        await main(bootstrapArguments(CommandLine.arguments, environment: Interpolation.processEnvironment))
    }

    /// `["lambda"]` when the process was started as Lambda starts a bootstrap (no arguments, a
    /// non-empty `AWS_LAMBDA_RUNTIME_API`); `nil`, meaning the command line as given, otherwise.
    static func bootstrapArguments(_ arguments: [String], environment: (String) -> String?) -> [String]? {
        guard arguments.count == 1, let runtimeAPI = environment("AWS_LAMBDA_RUNTIME_API"), !runtimeAPI.isEmpty
        else { return nil }
        return [LambdaCommand.configuration.commandName ?? "lambda"]
    }
}
