import HTTPTypes
import Hummingbird
import RelayCore

/// The source's HTTP surface: `POST /receiver/v1/http/{code}`.
extension SumoLogicEmulator: SandboxEmulator {
    var sandboxName: String { "sumo" }
    static let categoryHeader = HTTPField.Name("X-Sumo-Category")!
    static let nameHeader = HTTPField.Name("X-Sumo-Name")!
    static let hostHeader = HTTPField.Name("X-Sumo-Host")!
    static let fieldsHeader = HTTPField.Name("X-Sumo-Fields")!

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.post("/receiver/v1/http/:code") { request, context in
            try await self.receive(request, code: context.parameters.get("code") ?? "")
        }
        addFaultRoutes(to: router)
        return router
    }

    private static func text(_ status: Int, _ message: String) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }

    private func receive(_ request: Request, code: String) async throws -> Response {
        let fault = state.withLock { state -> SumoFault? in
            state.stats.requests += 1
            guard !state.faults.isEmpty else { return nil }
            let fault = state.faults.removeFirst()
            if fault != .pass { state.stats.faultsServed += 1 }
            return fault
        }
        switch fault {
        case .throttled(let seconds)?:
            var response = Self.text(429, "Too many requests: the collector is throttled")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .unavailable?: return Self.text(503, "Service unavailable")
        case .badRequest?: return Self.text(400, "Bad request: the payload could not be processed")
        case .dropConnection?: return SandboxHTTP.dropConnection()
        case .acceptedThenTimedOut?, .pass?, nil: break
        }
        guard configuration.codes.contains(code) else { return reject(401, "Unauthorized: unknown HTTP source") }
        let body: [UInt8]
        switch try await ContentDecoding.body(of: request, maxBytes: configuration.maxRequestBytes) {
        case .success(let bytes): body = bytes
        case .failure(.tooLarge): return reject(413, "Payload too large")
        case .failure(.undecodable): return reject(400, "Bad request: the body cannot be decompressed")
        }
        let category = request.headers[Self.categoryHeader]
        let sourceName = request.headers[Self.nameHeader]
        let sourceHost = request.headers[Self.hostHeader]
        let fields = Self.parseFields(request.headers[Self.fieldsHeader])
        let lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).compactMap {
            bytes -> SumoReceivedLine? in
            var line = String(decoding: bytes, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            guard !line.isEmpty else { return nil }
            return SumoReceivedLine(
                line: line, code: code, category: category, sourceName: sourceName, sourceHost: sourceHost,
                fields: fields)
        }
        store(lines)
        if fault == .acceptedThenTimedOut { return Self.text(408, "Request timeout: the request was accepted") }
        return Self.text(200, "")
    }

    private func reject(_ status: Int, _ message: String) -> Response {
        state.withLock { $0.stats.rejectedRequests += 1 }
        return Self.text(status, message)
    }

    /// `k=v,k=v` into a dictionary; malformed pairs are ignored, as Sumo ignores them.
    static func parseFields(_ header: String?) -> [String: String] {
        guard let header else { return [:] }
        var fields: [String: String] = [:]
        for pair in header.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[String(parts[0]).trimmingCharacters(in: " ")] = String(parts[1]).trimmingCharacters(in: " ")
        }
        return fields
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}
