import HTTPTypes
import Hummingbird
import Logging
import RelayCore

/// The Runtime API's HTTP surface under `/2018-06-01`.
extension LambdaRuntimeEmulator: SandboxEmulator {
    var sandboxName: String { "lambda" }
    static let requestIDHeader = HTTPField.Name("Lambda-Runtime-Aws-Request-Id")!
    static let deadlineHeader = HTTPField.Name("Lambda-Runtime-Deadline-Ms")!
    static let arnHeader = HTTPField.Name("Lambda-Runtime-Invoked-Function-Arn")!
    static let traceHeader = HTTPField.Name("Lambda-Runtime-Trace-Id")!
    static let errorTypeHeader = HTTPField.Name("Lambda-Runtime-Function-Error-Type")!

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.get("/2018-06-01/runtime/invocation/next") { _, _ in
            guard let pending = await self.next() else {
                return Self.error(500, "Runtime.Unavailable", "the sandbox Runtime API is shutting down")
            }
            var headers: HTTPFields = [:]
            headers[Self.requestIDHeader] = pending.requestID
            headers[Self.deadlineHeader] = String(pending.deadlineMs)
            headers[Self.arnHeader] = self.functionARN
            headers[Self.traceHeader] = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
            return SandboxHTTP.raw(.ok, pending.payload, headers: headers)
        }
        router.post("/2018-06-01/runtime/invocation/:id/response") { request, context in
            let id = context.parameters.get("id") ?? ""
            let body = try await request.body.collect(upTo: self.responseLimit + 1)
            guard body.readableBytes <= self.responseLimit else {
                self.recordRefusal("response for \(id) larger than \(self.responseLimit) bytes")
                return Self.error(
                    413, "RequestEntityTooLarge", "response payload larger than \(self.responseLimit) bytes")
            }
            if let problem = self.record(.response(Array(buffer: body)), for: id) {
                return Self.error(400, "InvalidRequestID", problem)
            }
            return SandboxHTTP.json(.accepted, ["status": "OK"])
        }
        router.post("/2018-06-01/runtime/invocation/:id/error") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard let answer = try await Self.errorAnswer(request) else {
                self.recordRefusal("error for \(id) without errorType and errorMessage")
                return Self.error(400, "InvalidErrorBody", "expected {\"errorType\": ..., \"errorMessage\": ...}")
            }
            if let problem = self.record(answer, for: id) {
                return Self.error(400, "InvalidRequestID", problem)
            }
            return SandboxHTTP.json(.accepted, ["status": "OK"])
        }
        router.post("/2018-06-01/runtime/init/error") { request, _ in
            guard let answer = try await Self.errorAnswer(request) else {
                self.recordRefusal("init error without errorType and errorMessage")
                return Self.error(400, "InvalidErrorBody", "expected {\"errorType\": ..., \"errorMessage\": ...}")
            }
            self.recordInitError(answer)
            return SandboxHTTP.json(.accepted, ["status": "OK"])
        }
        return router
    }

    private static func errorAnswer(_ request: Request) async throws -> LambdaRuntimeAnswer? {
        let body = try await request.body.collect(upTo: maxResponseBytes)
        guard let object = (try? JSONParser.parse(Array(buffer: body)))?.objectValue,
            let type = object["errorType"]?.stringValue, let message = object["errorMessage"]?.stringValue
        else { return nil }
        return .error(type: type, message: message, headerType: request.headers[errorTypeHeader])
    }

    private static func error(_ status: Int, _ type: String, _ message: String) -> Response {
        SandboxHTTP.json(
            .init(code: status), .object(JSONObject(["errorType": .string(type), "errorMessage": .string(message)])))
    }
}

extension Sandbox {
    /// Serves the Lambda Runtime API emulator while `body` runs; `body` receives the
    /// `AWS_LAMBDA_RUNTIME_API` value (`127.0.0.1:PORT`). Pending long polls end when `body` returns.
    public static func withRunning<T: Sendable>(
        lambda: LambdaRuntimeEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([lambda], logger: logger) { urls in
            defer { lambda.close() }
            return try await body(String(urls[0].dropFirst("http://".count)))
        }
    }
}
