import Crypto
import Synchronization

/// The redactor's HMAC key. A fixed key is built once; a key backed by a rotating credential
/// (`${file:}`, `${aws-secretsmanager:}`) is rebuilt only when the credential's value changes, so
/// a rotated key is used from the next value hashed without preparing the key for every value.
struct RedactionKey: Sendable {
    private enum Storage: Sendable {
        case fixed(SymmetricKey)
        case rotating(Credential, Cache)
    }

    /// The last value seen and the key built from it.
    final class Cache: Sendable {
        let current: Mutex<(value: String, key: SymmetricKey)>

        init(_ value: String) {
            current = Mutex((value, SymmetricKey(data: Array(value.utf8))))
        }
    }

    private let storage: Storage

    init(bytes: [UInt8]) {
        storage = .fixed(SymmetricKey(data: bytes))
    }

    init(_ credential: Credential) {
        storage =
            credential.reference == nil
            ? .fixed(SymmetricKey(data: Array(credential.value.utf8)))
            : .rotating(credential, Cache(credential.value))
    }

    /// The key to hash with now.
    var current: SymmetricKey {
        switch storage {
        case .fixed(let key):
            return key
        case .rotating(let credential, let cache):
            let value = credential.value
            return cache.current.withLock { current in
                if current.value != value { current = (value, SymmetricKey(data: Array(value.utf8))) }
                return current.key
            }
        }
    }
}
