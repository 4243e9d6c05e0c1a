/// Checks the 8-byte trailer of a single-member gzip stream (RFC 1952: CRC-32 and the inflated size
/// modulo 2³², little-endian) against the inflated data, so a body cut short in transit, whose
/// deflate data happens to end cleanly, is refused instead of accepted unverified.
enum GzipTrailer {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static func matches(compressed: [UInt8], inflated: [UInt8]) -> Bool {
        guard compressed.count >= 18 else { return false }
        let trailer = compressed.suffix(8).map(UInt32.init)
        let crc = trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24
        let size = trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24
        return size == UInt32(truncatingIfNeeded: inflated.count) && crc == crc32(inflated)
    }
}
