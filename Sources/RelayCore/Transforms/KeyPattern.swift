/// A dotted key path compiled for redaction matching: ASCII-lowercased bytes, optionally without
/// the separators (`_`, `-`, space) that a snake_case renaming adds or removes.
///
/// A pattern matches a member whose key, folded the same way, equals it (`ANI` matches `ani`), and
/// reaches into a member whose key is a dotted prefix of it, so `participant.dnis` covers
/// `{"participant.dnis": …}`, `{"participant": {"dnis": …}}` and every mix, in every element of any
/// array on the way. Matching compares bytes in place: it allocates nothing.
struct KeyPattern: Sendable, Hashable {
    let bytes: [UInt8]
    let ignoresSeparators: Bool

    /// `nil` for an empty path or one with an empty component (`a..b`, `a.`).
    init?(_ path: some StringProtocol, ignoringSeparators: Bool = false) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for byte in path.utf8 where !(ignoringSeparators && Self.isSeparator(byte)) {
            bytes.append(Self.lowered(byte))
        }
        let components = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard !bytes.isEmpty, !components.contains(where: \.isEmpty) else { return nil }
        self.bytes = bytes
        self.ignoresSeparators = ignoringSeparators
    }

    enum Match {
        case none
        /// The key is the whole remaining path.
        case full
        /// The key is a leading part of it; the rest starts at this offset of ``bytes``.
        case prefix(Int)
    }

    /// How `key` relates to the pattern from offset `start` on.
    func match(_ key: String, from start: Int) -> Match {
        var position = start
        var consumed = false
        for byte in key.utf8 {
            if ignoresSeparators && Self.isSeparator(byte) { continue }
            guard position < bytes.count, Self.lowered(byte) == bytes[position] else { return .none }
            position += 1
            consumed = true
        }
        guard consumed else { return .none }
        if position == bytes.count { return .full }
        return bytes[position] == UInt8(ascii: ".") ? .prefix(position + 1) : .none
    }

    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ")
    }
}
