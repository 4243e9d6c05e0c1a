import Crypto
import RelayCore

/// A set of accepted secrets (access keys, API keys, basic credentials) checked in constant time:
/// the presented value and the *current* value of every accepted credential are hashed with
/// SHA-256, and every digest is compared in full, so neither the position of a mismatch nor which
/// key matched shows in the timing. Reading the current value at each check means a rotated secret
/// (a rewritten file, a new Secrets Manager version) is accepted as soon as the provider re-read it.
struct SecretList: Sendable {
    private let secrets: [@Sendable () -> String?]

    /// Accepts the current value of each credential.
    init(_ credentials: [Credential]) {
        self.secrets = credentials.map { credential in
            {
                let value = credential.value
                return value.isEmpty ? nil : value
            }
        }
    }

    /// Accepts `username:password` pairs, each password read when checked.
    init(basic credentials: [BasicCredential]) {
        self.secrets = credentials.map { credential in
            {
                let password = credential.password.value
                return password.isEmpty ? nil : credential.username + ":" + password
            }
        }
    }

    var isEmpty: Bool { secrets.isEmpty }

    /// True when `presented` equals the current value of one of the secrets (a secret with no
    /// value yet never matches).
    func matches(_ presented: String) -> Bool {
        let candidate = Self.digest(presented)
        var found: UInt8 = 0
        for secret in secrets {
            guard let current = secret() else { continue }
            let digest = Self.digest(current)
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
