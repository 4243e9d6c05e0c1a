import CZlib
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

    /// The first size of the output buffer, which grows when the stream holds more: the inflated
    /// size the trailer states (its last member's, modulo 4 GiB), but never more than 16 times the
    /// body. The trailer is the sender's word: a few bytes claiming gigabytes must not make every
    /// request allocate up to the limit before inflating anything.
    private static func sizeHint(_ bytes: [UInt8]) -> Int {
        let bound = bytes.count * 16
        guard bytes.count >= 18 else { return bound }
        return min(bound, bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) })
    }

    /// Whether the input left after a member's end starts another gzip member (its magic bytes).
    private static func startsAnotherMember(_ stream: z_stream) -> Bool {
        guard stream.avail_in >= 2, let next = stream.next_in else { return false }
        return next[0] == 0x1F && next[1] == 0x8B
    }

    /// Decompresses a gzip stream (one member or several concatenated), refusing output larger than
    /// `maxBytes` (a decompression bomb guard). The stream must end where the bytes end, with zlib's
    /// check of each member's CRC-32 and length passed: a truncated or corrupted body is an error,
    /// never a shorter result. zlib is called directly so that check is the only CRC computed
    /// (checking the trailer again cost about 3 % of a Firehose request's intake).
    public static func decompress(_ bytes: [UInt8], maxBytes: Int) throws(RelayError) -> [UInt8] {
        // zlib checks that its stream keeps one address between calls: it lives on the heap.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        // 16 + 15: a gzip wrapper, the largest window.
        guard inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw RelayError(.malformedRecord, "gzip body could not be decompressed: zlib did not start")
        }
        defer { inflateEnd(stream) }
        // One byte more than allowed tells a body of exactly `maxBytes` from a larger one.
        let capacity = maxBytes == .max ? maxBytes : maxBytes + 1
        var output = [UInt8](repeating: 0, count: min(capacity, max(4096, sizeHint(bytes) + 1)))
        var written = 0
        let status = bytes.withUnsafeBufferPointer { input -> Int32 in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            // A body past 4 GiB is read up to there, then reported truncated (bodies are capped far lower).
            stream.pointee.avail_in = UInt32(clamping: input.count)
            while true {
                if written == output.count {
                    guard output.count < capacity else { return Z_BUF_ERROR }
                    output.append(contentsOf: repeatElement(0, count: min(capacity, output.count * 2) - output.count))
                }
                let room = min(output.count - written, Int(UInt32.max))
                let status = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.pointee.next_out = buffer.baseAddress! + written
                    stream.pointee.avail_out = UInt32(room)
                    let status = inflate(stream, Z_NO_FLUSH)
                    written += room - Int(stream.pointee.avail_out)
                    return status
                }
                switch status {
                case Z_OK: continue
                case Z_BUF_ERROR where stream.pointee.avail_out == 0: continue
                case Z_STREAM_END where startsAnotherMember(stream.pointee):
                    // Concatenated members are one stream (RFC 1952 §2.2), as `gzip -d` reads them.
                    guard inflateReset(stream) == Z_OK else { return Z_STREAM_ERROR }
                default: return status
                }
            }
        }
        if written > maxBytes {
            throw RelayError(.malformedRecord, "gzip body inflates beyond the limit of \(maxBytes) bytes")
        }
        switch status {
        case Z_STREAM_END where stream.pointee.avail_in == 0:
            output.removeLast(output.count - written)
            return output
        case Z_STREAM_END:
            let extra = stream.pointee.avail_in
            throw RelayError(.malformedRecord, "gzip body has \(extra) bytes after the end of its stream")
        case Z_BUF_ERROR:
            throw RelayError(.malformedRecord, "gzip body is truncated: the stream ends before its trailer")
        default:
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw RelayError(.malformedRecord, "gzip body could not be decompressed: \(reason)")
        }
    }
}
