import RelayCore
import Synchronization
import Testing

@Suite("Redaction key as a credential")
struct RedactionKeyRotationTests {
    /// A credential source whose value the test sets.
    final class Rotating: CredentialSource {
        let current: Mutex<String>
        init(_ value: String) { current = Mutex(value) }
        var currentValue: String { current.withLock { $0 } }
        func reread(afterRejecting value: String) async -> Bool { false }
    }

    @Test("a rotated key is used from the next value hashed; the same key gives the same pseudonym as a fixed key")
    func rotatedKeyUsed() {
        let rules = [RedactionRule(path: "attributes.ani", action: .hash)]
        let source = Rotating("first-redaction-key-0123")
        let redactor = Redactor(
            rules: rules, key: Credential(reference: "${file:/run/secrets/redaction}", source: source))
        let first = redactor.pseudonym(for: "+15551234567")
        #expect(
            first == Redactor(rules: rules, key: Array("first-redaction-key-0123".utf8)).pseudonym(for: "+15551234567"))
        #expect(redactor.pseudonym(for: "+15551234567") == first)
        source.current.withLock { $0 = "second-redaction-key-0123" }
        let second = redactor.pseudonym(for: "+15551234567")
        #expect(second != first)
        #expect(
            second
                == Redactor(rules: rules, key: Array("second-redaction-key-0123".utf8)).pseudonym(for: "+15551234567"))
    }
}
