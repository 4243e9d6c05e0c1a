import Crypto

/// A set of accepted secrets (access keys, API keys, basic credentials) checked in constant time:
/// the presented value and every accepted one are hashed with SHA-256, and every digest is compared
/// in full, so neither the position of a mismatch nor which key matched shows in the timing.
struct SecretList: Sendable {
    private let digests: [[UInt8]]

    init(_ secrets: [String]) {
        self.digests = secrets.map { Self.digest($0) }
    }

    var isEmpty: Bool { digests.isEmpty }

    /// True when `presented` equals one of the secrets.
    func matches(_ presented: String) -> Bool {
        let candidate = Self.digest(presented)
        var found: UInt8 = 0
        for digest in digests {
            var difference: UInt8 = 0
            for index in 0..<digest.count { difference |= digest[index] ^ candidate[index] }
            // 1 when equal, 0 otherwise, without a branch on the secret.
            found |= UInt8(truncatingIfNeeded: (Int(difference) - 1) >> 8) & 1
        }
        return found == 1
    }

    private static func digest(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(text.utf8)))
    }
}
