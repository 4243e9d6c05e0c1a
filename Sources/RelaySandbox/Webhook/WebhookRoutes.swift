import HTTPTypes
import Hummingbird
import RelayCore

/// The receiver's HTTP surface: `POST` on any path.
extension WebhookReceiver: SandboxEmulator {
    var sandboxName: String { "webhook" }

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("**") { request, _ in try await self.receivePost(request) }
        return router
    }

    private func receivePost(_ request: Request) async throws -> Response {
        switch receive() {
        case .dropConnection?:
            return SandboxHTTP.dropConnection()
        case .status(let status)?:
            return SandboxHTTP.json(.init(code: status), ["status": "error", "message": "injected failure"])
        case nil:
            break
        }
        let body = try await SandboxHTTP.readBody(request) ?? []
        guard let json = try? JSONParser.parse(body) else {
            return SandboxHTTP.json(.badRequest, ["status": "invalid event", "message": "the body is not JSON"])
        }
        record(WebhookPost(path: request.uri.path, json: json, body: body, contentType: request.headers[.contentType]))
        return SandboxHTTP.json(.init(code: successStatus), ["status": "success", "message": "accepted"])
    }
}
