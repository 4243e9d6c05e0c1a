/// A compiled `wildcard` operand: literal pieces separated by `*` (any run of bytes, including none).
/// `\*` is a literal asterisk and `\\` a literal backslash; consecutive `*` and other escapes are rejected.
struct WildcardPattern: Sendable, Equatable {
    /// The literal pieces between wildcards; `pieces.count == stars + 1`.
    let pieces: [[UInt8]]

    init(compiling text: String, at path: PatternPath) throws(PatternError) {
        var pieces: [[UInt8]] = [[]]
        var escaping = false
        var previousWasStar = false
        for byte in text.utf8 {
            if escaping {
                guard byte == UInt8(ascii: "*") || byte == UInt8(ascii: "\\") else {
                    throw path.error("wildcard: a backslash may only escape '*' or '\\'")
                }
                pieces[pieces.count - 1].append(byte)
                escaping = false
                previousWasStar = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else if byte == UInt8(ascii: "*") {
                guard !previousWasStar else { throw path.error("wildcard: consecutive '*' are not allowed") }
                pieces.append([])
                previousWasStar = true
            } else {
                pieces[pieces.count - 1].append(byte)
                previousWasStar = false
            }
        }
        guard !escaping else { throw path.error("wildcard: a trailing backslash escapes nothing") }
        self.pieces = pieces
    }

    func matches(_ text: String) -> Bool {
        TextMatching.withBytes(text) { matches(bytes: $0) }
    }

    /// Anchored first and last pieces, and the middle pieces at their leftmost place in between:
    /// with `*` as the only wildcard, taking the leftmost occurrence never loses a match.
    private func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let first = pieces[0]
        guard pieces.count > 1 else { return bytes.elementsEqual(first) }
        let last = pieces[pieces.count - 1]
        guard bytes.count >= first.count + last.count, bytes.starts(with: first) else { return false }
        let end = bytes.count - last.count
        guard UnsafeBufferPointer(rebasing: bytes[end...]).elementsEqual(last) else { return false }
        var position = first.count
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = Self.find(piece, in: bytes, from: position, before: end) else { return false }
            position = found + piece.count
        }
        return true
    }

    private static func find(_ piece: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int, before end: Int)
        -> Int?
    {
        guard end - start >= piece.count else { return nil }
        var index = start
        while index + piece.count <= end {
            var matched = true
            for offset in 0..<piece.count where bytes[index + offset] != piece[offset] {
                matched = false
                break
            }
            if matched { return index }
            index += 1
        }
        return nil
    }
}
