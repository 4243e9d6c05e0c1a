import CompressNIO
import HTTPTypes
import Hummingbird
import RelayCore

/// Small HTTP helpers every emulator shares: JSON responses, header names, body reading.
enum SandboxHTTP {
    /// Internal marker: a response carrying it is never sent; the connection is closed instead
    /// (see ``ConnectionDropHandler``).
    static let dropConnectionHeader = HTTPField.Name("x-ccrelay-sandbox-drop-connection")!

    /// Largest request body an emulator reads (compressed or not): 64 MiB.
    static let maximumBodyBytes = 64 * 1024 * 1024

    /// A response with a compact JSON body and `Content-Type: application/json`.
    static func json(
        _ status: HTTPResponse.Status,
        _ value: JSONValue,
        headers: HTTPFields = [:]
    ) -> Response {
        raw(status, JSONWriter.encode(value), headers: headers)
    }

    /// A response whose body is `bytes`, labelled as JSON whether or not it parses.
    static func raw(_ status: HTTPResponse.Status, _ bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=UTF-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A response that is never sent: the server closes the connection instead.
    static func dropConnection() -> Response {
        Response(status: .internalServerError, headers: [dropConnectionHeader: "1"])
    }

    /// The request body, inflated when `Content-Encoding: gzip`; `nil` when it is not valid gzip.
    static func readBody(_ request: Request) async throws -> [UInt8]? {
        var buffer = try await request.body.collect(upTo: maximumBodyBytes)
        let encoding = request.headers[.contentEncoding]?.lowercased() ?? "identity"
        guard encoding.contains("gzip") else { return Array(buffer: buffer) }
        guard buffer.readableBytes > 0 else { return [] }
        do {
            let inflated = try buffer.decompress(with: .gzip(), maxSize: maximumBodyBytes)
            return Array(buffer: inflated)
        } catch {
            return nil
        }
    }

    /// The credentials of an `Authorization: <scheme> <credentials>` header when the scheme
    /// matches case-insensitively; `nil` when the header is absent or uses another scheme.
    static func credentials(_ request: Request, scheme: String) -> Substring? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == scheme.lowercased() else { return nil }
        let value = parts[1].drop(while: { $0 == " " })
        return value.isEmpty ? nil : value
    }
}
