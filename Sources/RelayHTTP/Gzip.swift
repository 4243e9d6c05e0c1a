import CompressNIO
import NIOCore
import RelayCore

/// gzip for request bodies sent and received.
public enum Gzip {
    /// How hard to compress.
    public enum Level: Sendable {
        /// zlib level 1: for request bodies sent at volume. About 2.7× the speed of level 6 for
        /// bodies about 20 % larger on ccrelay's JSON (the choice Elastic's Beats make for their
        /// outputs); CPU, not bandwidth, bounds a relay's throughput.
        case fastest
        /// zlib's default, level 6: for files kept (archives, rotated files), written once and stored.
        case standard

        var zlibLevel: Int32 {
            switch self {
            case .fastest: 1
            case .standard: 6
            }
        }
    }

    /// gzip-compresses `bytes` at `level`.
    public static func compress(_ bytes: [UInt8], level: Level) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        // Compression into a buffer sized by zlib's own bound cannot overflow.
        guard
            let output = try? input.compress(
                with: .gzip(configuration: ZlibConfiguration(compressionLevel: level.zlibLevel)))
        else {
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
