import RelayCore
import RelayHTTP
import Testing

/// `Gzip.decompress`, which every gzip Firehose body and redriven backup object goes through: zlib's
/// own end-of-stream, CRC-32 and length checks decide, so a damaged body is refused and never read
/// as a shorter one.
@Suite("Gzip decompression of received bodies")
struct GzipDecompressTests {
    static let text = Array(
        (0..<2_000).map { #"{"id":\#($0),"data":"record \#($0 &* 7919 % 1000)"}"# }.joined(separator: "\n").utf8)

    @Test("bodies of every size inflate to what was compressed, however much the output must grow")
    func roundTrips() throws {
        for length in [0, 1, 100, 4_096, 70_000, Self.text.count] {
            let body = Array(Self.text.prefix(length))
            #expect(try Gzip.decompress(Gzip.compress(body, level: .fastest), maxBytes: 1 << 24) == body)
        }
        // Highly compressible: a 4 MiB run inflates from a few KiB, far past the first output guess.
        let run = [UInt8](repeating: UInt8(ascii: "a"), count: 4 << 20)
        #expect(try Gzip.decompress(Gzip.compress(run, level: .fastest), maxBytes: 4 << 20) == run)
    }

    @Test("every truncation is refused, never read as a shorter body")
    func truncations() {
        let compressed = Gzip.compress(Self.text, level: .fastest)
        for cut in Set(
            (0..<compressed.count).filter { $0 % 97 == 0 } + Array((compressed.count - 12)..<compressed.count))
        {
            #expect(throws: RelayError.self, "cut at \(cut)") {
                try Gzip.decompress(Array(compressed.prefix(cut)), maxBytes: 1 << 24)
            }
        }
    }

    @Test("a wrong CRC-32 or length in the trailer is refused")
    func trailer() {
        let compressed = Gzip.compress(Self.text, level: .fastest)
        for position in [compressed.count - 8, compressed.count - 5, compressed.count - 4, compressed.count - 1] {
            var damaged = compressed
            damaged[position] ^= 0x01
            #expect(throws: RelayError.self, "byte \(position)") { try Gzip.decompress(damaged, maxBytes: 1 << 24) }
        }
    }

    @Test("bytes after the stream are refused, naming how many; a second member is read on")
    func afterTheStream() throws {
        let first = Gzip.compress(Array("first\n".utf8), level: .fastest)
        let second = Gzip.compress(Array("second\n".utf8), level: .fastest)
        #expect(try Gzip.decompress(first + second, maxBytes: 1 << 20) == Array("first\nsecond\n".utf8))
        do {
            _ = try Gzip.decompress(first + Array("junk".utf8), maxBytes: 1 << 20)
            Issue.record("trailing bytes accepted")
        } catch {
            #expect(error.message.contains("4 bytes after the end of its stream"))
        }
    }

    @Test("the limit: exactly max bytes inflate, one more is refused as beyond the limit")
    func limit() throws {
        let compressed = Gzip.compress(Self.text, level: .fastest)
        #expect(try Gzip.decompress(compressed, maxBytes: Self.text.count) == Self.text)
        do {
            _ = try Gzip.decompress(compressed, maxBytes: Self.text.count - 1)
            Issue.record("a body past the limit inflated")
        } catch {
            #expect(error.message.contains("beyond the limit of \(Self.text.count - 1) bytes"))
        }
    }

    @Test("a trailer claiming far more than the body holds is refused, and the body still inflates when true")
    func lyingTrailer() throws {
        let body = Array(Self.text.prefix(1_000))
        var compressed = Gzip.compress(body, level: .fastest)
        // ISIZE (the last four bytes) says 4 GiB - 1: zlib's length check refuses the stream.
        compressed.replaceSubrange((compressed.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: RelayError.self) { try Gzip.decompress(compressed, maxBytes: 64 << 20) }
        // A body that really inflates past 16 times its size grows its buffer as it goes.
        let run = [UInt8](repeating: UInt8(ascii: "z"), count: 1 << 20)
        #expect(try Gzip.decompress(Gzip.compress(run, level: .fastest), maxBytes: 64 << 20) == run)
    }

    @Test("not gzip at all, or nothing, is refused")
    func notGzip() {
        for body in [[], Array("plain text, not gzip".utf8), [0x1F, 0x8B]] as [[UInt8]] {
            #expect(throws: RelayError.self) { try Gzip.decompress(body, maxBytes: 1 << 20) }
        }
    }
}
