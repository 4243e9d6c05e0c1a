import AsyncHTTPClient
import CompressNIO
import Logging
import NIOCore
import NIOHTTP1
import RelayCore
import RelaySandbox
import RelayTesting

/// A response read whole, for assertions.
struct TestResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    /// The body parsed as one JSON value, `nil` when it does not parse.
    var json: JSONValue? { try? JSONParser.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// Real HTTP to the emulators over AsyncHTTPClient.
enum TestHTTP {
    static let logger = Logger.quiet("ccrelay.sandbox.tests", level: .warning)

    static func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 32 << 20)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: Array(buffer: buffer))
    }

    static func postJSON(
        _ url: String,
        _ value: JSONValue,
        headers: [(String, String)] = []
    ) async throws -> TestResponse {
        try await send(
            .POST, url, headers: headers + [("Content-Type", "application/json")], body: JSONWriter.encode(value))
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        return Array(buffer: try input.compress(with: .gzip()))
    }

    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 63)] : "=")
            }
            index += 3
        }
        return out
    }
}
