/// Byte-level string tests used during evaluation. Strings compare as their UTF-8 bytes (as EventBridge
/// does), not by Unicode canonical equivalence; case-insensitive tests fold ASCII in place and only
/// lower-case a copy of the event value when it holds non-ASCII text.
enum TextMatching {
    /// Runs `body` over the UTF-8 bytes of `text` without copying native strings.
    @inline(__always)
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        let copy = Array(text.utf8)
        return copy.withUnsafeBufferPointer(body)
    }

    @inline(__always)
    static func foldASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    static func equals(_ text: String, _ bytes: [UInt8]) -> Bool {
        withBytes(text) { buffer in buffer.elementsEqual(bytes) }
    }

    static func hasPrefix(_ text: String, _ prefix: [UInt8]) -> Bool {
        withBytes(text) { buffer in buffer.count >= prefix.count && buffer.starts(with: prefix) }
    }

    static func hasSuffix(_ text: String, _ suffix: [UInt8]) -> Bool {
        withBytes(text) { buffer in
            guard buffer.count >= suffix.count else { return false }
            return UnsafeBufferPointer(rebasing: buffer[(buffer.count - suffix.count)...]).elementsEqual(suffix)
        }
    }

    /// Which part of the value a case-insensitive test compares.
    enum Anchor {
        case whole, start, end
    }

    /// Case-insensitive comparison of `text` against `folded` (the pattern, already lower-cased).
    static func foldedMatch(_ text: String, _ folded: [UInt8], anchor: Anchor) -> Bool {
        let fast: Bool? = withBytes(text) { buffer in
            let count = folded.count
            if anchor == .whole ? buffer.count != count : buffer.count < count { return false }
            let offset = anchor == .end ? buffer.count - count : 0
            for index in 0..<count {
                let byte = buffer[offset + index]
                if byte >= 0x80 { return nil }
                if foldASCII(byte) != folded[index] { return false }
            }
            return true
        }
        if let fast { return fast }
        // Non-ASCII text in the compared region: lower-case a copy (Unicode rules) and compare bytes.
        let lowered = Array(text.lowercased().utf8)
        switch anchor {
        case .whole: return lowered == folded
        case .start: return lowered.starts(with: folded)
        case .end:
            return lowered.count >= folded.count && lowered[(lowered.count - folded.count)...].elementsEqual(folded)
        }
    }

    /// The pattern side of a case-insensitive test: lower-cased once at compile time.
    static func fold(_ text: String) -> [UInt8] {
        Array(text.lowercased().utf8)
    }
}
