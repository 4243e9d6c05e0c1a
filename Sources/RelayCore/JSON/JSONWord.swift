/// Eight bytes of JSON text at a time: the writer and the parser skip runs of ordinary string
/// bytes a word at a time and look at single bytes only where something needs attention.
enum JSONWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any of the eight bytes is a control character (below 0x20), a quote or a backslash:
    /// the bytes a JSON string must escape and the ones that end a run inside one. The "has a byte
    /// less than n" and "has a zero byte" bit tricks are exact about whether such a byte exists.
    @inline(__always)
    static func hasQuoteBackslashOrControl(_ word: UInt64) -> Bool {
        let control = (word &- ones &* 0x20) & ~word & highBits
        return control | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C)) != 0
    }

    /// Whether any of the eight bytes has its high bit set (is not ASCII).
    @inline(__always)
    static func hasNonASCII(_ word: UInt64) -> Bool {
        word & highBits != 0
    }

    @inline(__always)
    private static func zeroBytes(_ value: UInt64) -> UInt64 {
        (value &- ones) & ~value & highBits
    }
}
