import Foundation
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// The `ccrelay` binary started as Lambda starts a custom runtime's `bootstrap`: no arguments, only
/// the environment Lambda sets.
@Suite(.serialized) struct LambdaBootstrapTests {
    /// Runs the binary with `environment` only (nothing inherited but the library path the build
    /// needs); output goes to `output` when given.
    static func start(environment: [String: String], output: Pipe? = nil, onExit: @escaping @Sendable () -> Void)
        throws -> Process
    {
        let process = Process()
        process.executableURL = LambdaProcessTests.binary
        process.arguments = []
        var environment = environment
        environment["LD_LIBRARY_PATH"] = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"]
        process.environment = environment
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = output ?? FileHandle.nullDevice
        process.terminationHandler = { _ in onExit() }
        try process.run()
        return process
    }

    @Test func bootstrapWithoutArgumentsAnswersAnInvocation() async throws {
        let task = try ScratchDirectory("lambda-task")
        defer { task.remove() }
        // What scripts/package-lambda ships next to the bootstrap; no CCRELAY_CONFIG names it.
        try "lambda:\n  handler: firehose-transform\n".write(
            to: task.url.appendingPathComponent("ccrelay.yaml"), atomically: true, encoding: .utf8)
        let lambda = LambdaRuntimeEmulator()
        try await Sandbox.withRunning(lambda: lambda, logger: LambdaFixtures.logger) { runtimeAPI in
            let request = lambda.invoke(
                payload: LambdaFixtures.firehoseEvent([("a", SampleEvents.genesysEventBridgeAudit(), false)]),
                deadlineMs: LambdaProcessTests.deadlineMs(in: 60))
            let process = try Self.start(
                environment: [
                    "AWS_LAMBDA_RUNTIME_API": runtimeAPI, "_HANDLER": "bootstrap",
                    "LAMBDA_TASK_ROOT": task.url.path, "LAMBDA_RUNTIME_DIR": "/var/runtime",
                    "AWS_LAMBDA_FUNCTION_NAME": "ccrelay-transform", "AWS_REGION": "us-east-1", "TZ": ":UTC",
                    "PATH": "/usr/local/bin:/usr/bin:/bin",
                ], onExit: { lambda.close() })
            let answer = await lambda.answer(for: request)
            // The runtime keeps polling until the Runtime API goes away, then exits 1.
            lambda.close()
            process.waitUntilExit()
            guard case .response(let body)? = answer else {
                Issue.record("the invocation was not answered: \(String(describing: answer))")
                return
            }
            #expect(try LambdaFixtures.answers(body)["a"]?.result == "Ok")
            #expect(process.terminationStatus == 1)
            #expect(lambda.initErrors.isEmpty)
        }
    }

    @Test func noArgumentsOutsideLambdaPrintHelp() async throws {
        let output = Pipe()
        let process = try Self.start(environment: ["PATH": "/usr/bin:/bin"], output: output, onExit: {})
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("SUBCOMMANDS"))
    }
}
