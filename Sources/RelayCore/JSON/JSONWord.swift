/// Eight bytes of JSON text at a time: the writer and the parser skip runs of ordinary string
/// bytes a word at a time and look at single bytes only where something needs attention.
/// Words come from ``load(_:)``, the byte at the lowest address in the lowest bits.
enum JSONWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `pointer`, byte 0 in the lowest bits whatever the machine's byte order.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }

    /// The index (0–7) of the first byte that is a control character (below 0x20), a quote or a
    /// backslash: the bytes a JSON string must escape and the ones that end a run inside one; 8 when
    /// there is none. The "has a byte less than n" and "has a zero byte" bit tricks can flag a byte
    /// falsely only above a truly flagged one, so the lowest flag is exact.
    @inline(__always)
    static func firstQuoteBackslashOrControl(_ word: UInt64) -> Int {
        let control = (word &- ones &* 0x20) & ~word & highBits
        let flags = control | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
        return flags.trailingZeroBitCount >> 3
    }

    /// Whether any of the eight bytes has its high bit set (is not ASCII).
    @inline(__always)
    static func hasNonASCII(_ word: UInt64) -> Bool {
        word & highBits != 0
    }

    /// The first `count` bytes (0–8) of `word`, the others zero.
    @inline(__always)
    static func prefix(_ word: UInt64, bytes count: Int) -> UInt64 {
        count >= 8 ? word : word & ((1 << UInt64(count * 8)) &- 1)
    }

    @inline(__always)
    private static func zeroBytes(_ value: UInt64) -> UInt64 {
        (value &- ones) & ~value & highBits
    }
}
