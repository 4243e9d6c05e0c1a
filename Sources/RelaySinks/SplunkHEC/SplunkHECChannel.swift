import RelayCore
import Synchronization

/// The sink's `X-Splunk-Request-Channel`: a GUID created once and kept in the state store, so
/// acknowledgements survive a restart of ccrelay on the same state.
final class SplunkHECChannel: Sendable {
    private let store: any KeyValueStore
    private let key: String
    private let cached = Mutex<String?>(nil)

    init(sink: String, store: any KeyValueStore) {
        self.store = store
        self.key = "splunk_hec/\(sink)/channel"
    }

    /// The channel GUID, loaded or created on first use.
    func value() async throws -> String {
        if let value = cached.withLock({ $0 }) { return value }
        let value: String
        if let stored = try await store.value(forKey: key) {
            value = stored
        } else {
            value = Self.makeGUID()
            try await store.setValue(value, forKey: key)
        }
        cached.withLock { $0 = value }
        return value
    }

    /// A random (version 4) GUID in 8-4-4-4-12 lowercase hex.
    static func makeGUID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
