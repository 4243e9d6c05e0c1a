/// A small deterministic random number generator (SplitMix64), so emulators produce the same
/// records, tokens and ids for the same seed on every platform.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniformly chosen element of a non-empty collection.
    mutating func pick<C: RandomAccessCollection>(_ collection: C) -> C.Element {
        collection[
            collection.index(collection.startIndex, offsetBy: Int.random(in: 0..<collection.count, using: &self))]
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    /// A random version-4 UUID in lower-case text form.
    mutating func uuid() -> String {
        var high = next()
        var low = next()
        high = (high & ~0xF000) | 0x4000  // version 4
        low = (low & ~(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000  // RFC 4122 variant
        let hex = hexDigits(high, 16) + hexDigits(low, 16)
        let characters = Array(hex)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-"
            + String(characters[12..<16]) + "-" + String(characters[16..<20]) + "-" + String(characters[20..<32])
    }

    /// `count` random characters from the URL-safe base64 alphabet (token material).
    mutating func base64URL(count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String((0..<count).map { _ in alphabet[Int(next() & 63)] })
    }

    /// A duration drawn uniformly (millisecond resolution) from `range`.
    mutating func duration(in range: ClosedRange<Duration>) -> Duration {
        let lower = Self.milliseconds(range.lowerBound)
        let upper = Self.milliseconds(range.upperBound)
        guard upper > lower else { return range.lowerBound }
        return .milliseconds(Int64.random(in: lower...upper, using: &self))
    }

    /// Whole milliseconds of a duration (truncated).
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    private func hexDigits(_ value: UInt64, _ width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: width - text.count) + text
    }
}
