import Logging
import RelayCore
import RelaySandbox
import Testing

@testable import RelayLambda

/// The runtime loop against the sandbox Runtime API, in process.
@Suite struct LambdaRuntimeLoopTests {
    /// Answers each invocation with its own payload, echoed.
    struct EchoHandler: LambdaHandler {
        func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> [UInt8] { invocation.payload }
    }

    @Test func refusedResponseIsReportedAsAnErrorAndTheLoopGoesOn() async throws {
        let lambda = LambdaRuntimeEmulator(responseLimit: 64)
        try await Sandbox.withRunning(lambda: lambda, logger: LambdaFixtures.logger) { runtimeAPI in
            let deadline = LambdaProcessTests.deadlineMs(in: 60)
            let large = lambda.invoke(payload: Array(repeating: UInt8(ascii: "x"), count: 65), deadlineMs: deadline)
            let small = lambda.invoke(payload: Array("{}".utf8), deadlineMs: deadline)
            let loop = LambdaRuntimeLoop(
                client: LambdaRuntimeClient(endpoint: runtimeAPI), handler: EchoHandler(),
                logger: LambdaFixtures.logger)
            try await loop.run(maxInvocations: 2)
            guard case .error(let type, let message, let header)? = await lambda.answer(for: large) else {
                Issue.record("the refused response was not reported through /error")
                return
            }
            #expect(type == "ResponseRefused")
            #expect(header == "ResponseRefused")
            #expect(message.contains("65 bytes"))
            #expect(message.contains("413"))
            #expect(await lambda.answer(for: small) == .response(Array("{}".utf8)))
            #expect(lambda.refusedAnswers.count == 1)
        }
    }
}
