/// Checks the 8-byte trailer of a single-member gzip stream (RFC 1952: CRC-32 and the inflated size
/// modulo 2³², little-endian) against the inflated data, so a body cut short in transit, whose
/// deflate data happens to end cleanly, is refused instead of accepted unverified.
enum GzipTrailer {
    /// Eight 256-entry tables for slicing-by-8: table k gives the CRC of a byte followed by k zero
    /// bytes, so eight input bytes are folded in per step instead of one.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            tables[index] = value
        }
        for slice in 1..<8 {
            for index in 0..<256 {
                let previous = tables[(slice - 1) * 256 + index]
                tables[slice * 256 + index] = tables[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return tables
    }()

    /// CRC-32 (ISO-HDLC, as gzip uses it) of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { input in
                var crc: UInt32 = 0xFFFF_FFFF
                var index = 0
                while index + 8 <= input.count {
                    let low =
                        crc
                        ^ (UInt32(input[index]) | UInt32(input[index + 1]) << 8
                            | UInt32(input[index + 2]) << 16 | UInt32(input[index + 3]) << 24)
                    crc =
                        table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int(low >> 8 & 0xFF)]
                        ^ table[5 * 256 + Int(low >> 16 & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                        ^ table[3 * 256 + Int(input[index + 4])] ^ table[2 * 256 + Int(input[index + 5])]
                        ^ table[256 + Int(input[index + 6])] ^ table[Int(input[index + 7])]
                    index += 8
                }
                while index < input.count {
                    crc = table[Int((crc ^ UInt32(input[index])) & 0xFF)] ^ (crc >> 8)
                    index += 1
                }
                return crc ^ 0xFFFF_FFFF
            }
        }
    }

    static func matches(compressed: [UInt8], inflated: [UInt8]) -> Bool {
        guard compressed.count >= 18 else { return false }
        let trailer = compressed.suffix(8).map(UInt32.init)
        let crc = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let size = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        return size == UInt32(truncatingIfNeeded: inflated.count) && crc == crc32(inflated)
    }
}
