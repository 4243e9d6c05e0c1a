import RelayCore
import RelayHTTP

/// The Lambda Runtime API (version 2018-06-01) at `AWS_LAMBDA_RUNTIME_API` (`host:port`): fetch the
/// next invocation, answer it, report a failure, or report that initialization failed.
public struct LambdaRuntimeClient: Sendable {
    /// `http://host:port/2018-06-01`.
    public let baseURL: String
    private let transport: HTTPTransport

    /// The long poll for the next invocation waits as long as Lambda keeps the sandbox frozen.
    static let nextTimeout: Duration = .seconds(366 * 86_400)
    static let answerTimeout: Duration = .seconds(60)

    /// - Parameter endpoint: the `AWS_LAMBDA_RUNTIME_API` value, `host:port` (a scheme is accepted).
    public init(endpoint: String, transport: HTTPTransport = HTTPTransport()) {
        var base = endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") ? endpoint : "http://" + endpoint
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base + "/2018-06-01"
        self.transport = transport
    }

    /// Waits for the next invocation. Throws `lambda.runtime` when the API is unreachable or the
    /// answer lacks the request id or a valid deadline.
    public func next() async throws(RelayError) -> LambdaInvocation {
        let response = try await transport.send(
            OutboundRequest(method: "GET", url: baseURL + "/runtime/invocation/next", timeout: Self.nextTimeout))
        guard response.status == 200 else {
            throw RelayError(
                .lambdaRuntime, "runtime API next invocation: HTTP \(response.status) \(response.bodySnippet())")
        }
        guard let requestID = response.header("Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty else {
            throw RelayError(.lambdaRuntime, "runtime API next invocation: no Lambda-Runtime-Aws-Request-Id header")
        }
        guard let deadlineText = response.header("Lambda-Runtime-Deadline-Ms"), let deadlineMs = Int64(deadlineText)
        else {
            throw RelayError(
                .lambdaRuntime,
                "runtime API invocation \(requestID): Lambda-Runtime-Deadline-Ms missing or not a number")
        }
        return LambdaInvocation(
            requestID: requestID,
            deadline: WallInstant(Timestamp(millisecondsSinceEpoch: deadlineMs)),
            invokedFunctionARN: response.header("Lambda-Runtime-Invoked-Function-Arn"),
            traceID: response.header("Lambda-Runtime-Trace-Id"),
            payload: response.body)
    }

    /// Sends the handler's result for `requestID`. Throws `lambda.response_refused` when the API
    /// refuses it with a 4xx (e.g. 413, larger than 6 MB), `lambda.runtime` when it is unreachable.
    public func respond(requestID: String, body: [UInt8]) async throws(RelayError) {
        try await post(
            path: "/runtime/invocation/\(Self.pathSegment(requestID))/response", body: body, what: "response",
            refusal: .lambdaResponseRefused)
    }

    /// Reports that handling `requestID` failed.
    public func fail(requestID: String, error: LambdaFunctionError) async throws(RelayError) {
        try await post(
            path: "/runtime/invocation/\(Self.pathSegment(requestID))/error", body: error.body, what: "error",
            errorType: error.errorType)
    }

    /// Reports that the runtime could not initialize (Lambda then fails the invocation and restarts).
    public func initializationFailed(_ error: LambdaFunctionError) async throws(RelayError) {
        try await post(path: "/runtime/init/error", body: error.body, what: "init error", errorType: error.errorType)
    }

    /// Posts `body`; a 4xx answer throws `refusal` (default `lambda.runtime`), any other failure `lambda.runtime`.
    private func post(
        path: String, body: [UInt8], what: String, errorType: String? = nil,
        refusal: RelayError.Code = .lambdaRuntime
    ) async throws(RelayError) {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let errorType { headers.append(("Lambda-Runtime-Function-Error-Type", errorType)) }
        let response = try await transport.send(
            OutboundRequest(
                method: "POST", url: baseURL + path, headers: headers, body: body, timeout: Self.answerTimeout))
        guard (200..<300).contains(response.status) else {
            let code = (400..<500).contains(response.status) ? refusal : .lambdaRuntime
            throw RelayError(code, "runtime API \(what): HTTP \(response.status) \(response.bodySnippet())")
        }
    }

    /// Request ids are UUIDs; anything else is percent-encoded so it stays one path segment.
    static func pathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if scalar.isASCII,
                (Character(scalar).isLetter || Character(scalar).isNumber || "-_.~".contains(Character(scalar)))
            {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
