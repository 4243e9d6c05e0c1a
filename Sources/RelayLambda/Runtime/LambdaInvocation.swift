import RelayCore

/// One invocation handed out by the Lambda Runtime API (`GET /2018-06-01/runtime/invocation/next`).
public struct LambdaInvocation: Sendable, Equatable {
    /// `Lambda-Runtime-Aws-Request-Id`: names the invocation in `/response` and `/error`.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when Lambda stops the function (epoch milliseconds).
    public var deadline: WallInstant
    /// `Lambda-Runtime-Invoked-Function-Arn`, when sent.
    public var invokedFunctionARN: String?
    /// `Lambda-Runtime-Trace-Id` (the X-Ray header), when sent.
    public var traceID: String?
    /// The event as the invoker sent it (JSON for Firehose and EventBridge Scheduler).
    public var payload: [UInt8]

    /// An invocation; `deadline` is absolute wall-clock time.
    public init(
        requestID: String, deadline: WallInstant, invokedFunctionARN: String? = nil, traceID: String? = nil,
        payload: [UInt8]
    ) {
        self.requestID = requestID
        self.deadline = deadline
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.payload = payload
    }
}

/// A failure reported to Lambda as `{"errorType": ..., "errorMessage": ...}` (through `/error` for
/// one invocation or `/runtime/init/error` before the first). The message names the offending
/// input and never carries a secret.
public struct LambdaFunctionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Short machine-readable category, e.g. `InvalidFirehoseEvent`; also sent as
    /// `Lambda-Runtime-Function-Error-Type`.
    public var errorType: String
    /// What went wrong, for the operator reading CloudWatch or the invoker's error.
    public var errorMessage: String

    /// An error of `type` with `message`.
    public init(type: String, message: String) {
        self.errorType = type
        self.errorMessage = message
    }

    /// The invocation payload is not what the handler accepts.
    public static func invalidPayload(_ message: String) -> LambdaFunctionError {
        LambdaFunctionError(type: "InvalidPayload", message: message)
    }

    /// The configuration could not be loaded or does not suit the chosen handler.
    public static func invalidConfiguration(_ message: String) -> LambdaFunctionError {
        LambdaFunctionError(type: "InvalidConfiguration", message: message)
    }

    /// The Runtime API refused the handler's response of `bytes` bytes (`refusal` says why).
    public static func responseRefused(bytes: Int, _ refusal: RelayError) -> LambdaFunctionError {
        LambdaFunctionError(
            type: "ResponseRefused",
            message: "the Runtime API refused the response of \(bytes) bytes: \(refusal.message)")
    }

    /// The JSON body Lambda expects.
    public var body: [UInt8] {
        JSONWriter.encode(
            .object(JSONObject(["errorType": .string(errorType), "errorMessage": .string(errorMessage)])))
    }

    public var description: String { "\(errorType): \(errorMessage)" }
}

extension RelayError.Code {
    /// The Lambda Runtime API could not be reached or answered unexpectedly.
    public static let lambdaRuntime = RelayError.Code(rawValue: "lambda.runtime")
    /// The Runtime API refused an invocation's response (4xx, e.g. 413 for a payload over 6 MB);
    /// the API itself is up, so the invocation can still be reported through `/error`.
    public static let lambdaResponseRefused = RelayError.Code(rawValue: "lambda.response_refused")
    /// A conditional state write lost to another writer (another invocation advanced the state).
    public static let stateConflict = RelayError.Code(rawValue: "state.conflict")
}
