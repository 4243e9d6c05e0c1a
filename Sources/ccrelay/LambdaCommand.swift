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
            CCRELAY_CONFIG. A configuration problem is reported through /runtime/init/error and the process exits 1.
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML); default the CCRELAY_CONFIG environment variable.")
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
            guard let path = config ?? environment("CCRELAY_CONFIG"), !path.isEmpty else {
                throw LambdaFunctionError.invalidConfiguration("no configuration: pass --config or set CCRELAY_CONFIG")
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
}
