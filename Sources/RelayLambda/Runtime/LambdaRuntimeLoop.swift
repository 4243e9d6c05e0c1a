import Logging
import RelayCore

/// What `ccrelay lambda` runs for each invocation.
public protocol LambdaHandler: Sendable {
    /// Handles one invocation and returns the response body. Throwing ``LambdaFunctionError`` reports
    /// it as is through `/error`; any other error is reported with type `HandlerFailed`.
    func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> [UInt8]
}

/// The custom runtime's event loop: next invocation, handler, response or error, forever (Lambda
/// freezes the process between invocations and ends it when it wants).
public struct LambdaRuntimeLoop: Sendable {
    private let client: LambdaRuntimeClient
    private let handler: any LambdaHandler
    private let logger: Logger

    /// A loop feeding `handler` from `client`.
    public init(client: LambdaRuntimeClient, handler: any LambdaHandler, logger: Logger) {
        self.client = client
        self.handler = handler
        self.logger = logger
    }

    /// Runs until the Runtime API cannot be reached (thrown) or the task is cancelled (a response it
    /// refuses is reported through `/error` as `ResponseRefused` and the loop goes on); with
    /// `maxInvocations` it returns after that many (for tests and benchmarks).
    public func run(maxInvocations: Int? = nil) async throws(RelayError) {
        var handled = 0
        while !Task.isCancelled, maxInvocations.map({ handled < $0 }) ?? true {
            let invocation = try await client.next()
            try await handleOne(invocation)
            handled += 1
        }
    }

    /// Runs the handler for one invocation and posts its answer.
    func handleOne(_ invocation: LambdaInvocation) async throws(RelayError) {
        var logger = logger
        logger[metadataKey: "ccrelay.lambda.request_id"] = "\(invocation.requestID)"
        let outcome: Result<[UInt8], LambdaFunctionError>
        do {
            outcome = .success(try await handler.handle(invocation, logger: logger))
        } catch let error as LambdaFunctionError {
            outcome = .failure(error)
        } catch let error as RelayError {
            outcome = .failure(LambdaFunctionError(type: "HandlerFailed", message: error.description))
        } catch {
            outcome = .failure(LambdaFunctionError(type: "HandlerFailed", message: "\(error)"))
        }
        let failure: LambdaFunctionError
        switch outcome {
        case .success(let body):
            do throws(RelayError) {
                try await client.respond(requestID: invocation.requestID, body: body)
                return
            } catch let refusal where refusal.code == .lambdaResponseRefused {
                // The API is up but will not take this response: the invocation fails, the loop goes on.
                failure = .responseRefused(bytes: body.count, refusal)
            }
        case .failure(let error):
            failure = error
        }
        logger.error(
            "Invocation failed",
            metadata: ["ccrelay.error_type": "\(failure.errorType)", "ccrelay.error": "\(failure.errorMessage)"])
        try await client.fail(requestID: invocation.requestID, error: failure)
    }
}
