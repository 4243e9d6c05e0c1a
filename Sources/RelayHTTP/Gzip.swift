import CompressNIO
import NIOCore
import RelayCore

/// gzip for request bodies sent and received.
public enum Gzip {
    /// gzip-compresses `bytes`.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        // Compression into a buffer sized by zlib's own bound cannot overflow.
        guard let output = try? input.compress(with: .gzip()) else {
            preconditionFailure("gzip into a deflateBound-sized buffer failed")
        }
        return Array(buffer: output)
    }

    /// Decompresses gzip data, refusing output larger than `maxBytes` (a decompression bomb guard).
    public static func decompress(_ bytes: [UInt8], maxBytes: Int) throws(RelayError) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        do {
            let output = try input.decompress(with: .gzip(), maxSize: maxBytes)
            return Array(buffer: output)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw RelayError(.malformedRecord, "gzip body inflates beyond the limit of \(maxBytes) bytes")
        } catch {
            throw RelayError(.malformedRecord, "gzip body could not be decompressed: \(error)")
        }
    }
}
