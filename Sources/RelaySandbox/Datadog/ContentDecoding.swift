import CompressNIO
import Hummingbird
import NIOCore

/// Request bodies as the SIEM intakes read them: `Content-Encoding` gzip, deflate (zlib-wrapped,
/// or raw as some clients send it) or none. Shared by the Datadog and Sumo Logic emulators.
enum ContentDecoding {
    /// Why a body could not be read.
    enum Failure: Error {
        case undecodable
        case tooLarge
    }

    /// The body, inflated; at most `maxBytes` before or after inflating.
    static func body(of request: Request, maxBytes: Int) async throws -> Result<[UInt8], Failure> {
        var buffer = try await request.body.collect(upTo: SandboxHTTP.maximumBodyBytes)
        let encoding = request.headers[.contentEncoding]?.lowercased() ?? "identity"
        if encoding.contains("gzip") || encoding.contains("deflate") {
            guard buffer.readableBytes > 0 else { return .success([]) }
            let algorithms: [CompressionAlgorithm] = encoding.contains("gzip") ? [.gzip()] : [.zlib(), .deflate()]
            for algorithm in algorithms {
                var input = buffer
                if let output = try? input.decompress(with: algorithm, maxSize: maxBytes + 1) {
                    return output.readableBytes > maxBytes ? .failure(.tooLarge) : .success(Array(buffer: output))
                }
            }
            // A body that inflates past the limit fails to decompress too: tell the two apart.
            var probe = buffer
            if (try? probe.decompress(with: algorithms[0], maxSize: SandboxHTTP.maximumBodyBytes)) != nil {
                return .failure(.tooLarge)
            }
            return .failure(.undecodable)
        }
        guard buffer.readableBytes <= maxBytes else { return .failure(.tooLarge) }
        return .success(buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
}
