import RelayCore
import Testing

/// The attacks of issue 18 against attribute rules, each on the event shape an attacker controls.
@Suite("Field redaction under attack")
struct RedactionAttackTests {
    static let number = "+15551234567"

    static func event(attributes: JSONObject, raw: JSONValue? = nil) -> Event {
        Event(
            eventID: "0123456789abcdef0123456789abcdef",
            timestamp: Timestamp(millisecondsSinceEpoch: 1_624_633_912_435),
            platform: .genesys, sourceKind: "conversation", eventType: "CALL_ENDED", attributes: attributes, raw: raw)
    }

    static func attributes(flattening text: String) throws -> JSONObject {
        var attributes = JSONObject()
        for member in try #require(try JSONParser.parse(text).objectValue) {
            attributes.appendFlattened(member.value, key: member.key)
        }
        return attributes
    }

    static func leaks(_ event: Event, _ secret: String = number) -> Bool {
        event.encoded().contains(subsequence: Array(secret.utf8))
    }

    let hashANI = Redactor(rules: [RedactionRule(path: "attributes.ani", action: .hash)], key: RedactionTests.key)

    @Test("every member with a duplicated key is hashed, not only the first")
    func duplicateKeys() throws {
        var event = Self.event(attributes: try Self.attributes(flattening: #"{"ani":"111","ani":"+15551234567"}"#))
        hashANI.apply(to: &event)
        #expect(!Self.leaks(event))
        #expect(
            event.attributes.members.map(\.value) == [
                .string(hashANI.pseudonym(for: "111")), .string(hashANI.pseudonym(for: Self.number)),
            ])
    }

    @Test("a literal dotted key and the nested path that flatten to the same key are both covered")
    func flatteningCollision() throws {
        let rule = Redactor(
            rules: [RedactionRule(path: "attributes.participant.dnis", action: .hash)], key: RedactionTests.key)
        let text = #"{"participant.dnis":"decoy","participant":{"dnis":"+15551234567"}}"#
        var event = Self.event(attributes: try Self.attributes(flattening: text), raw: try JSONParser.parse(text))
        rule.apply(to: &event)
        #expect(!Self.leaks(event))
        #expect(!Self.leaks(event, "decoy"))
    }

    @Test("keys match in any ASCII case", arguments: ["ANI", "Ani", "aNI"])
    func otherCase(key: String) {
        var event = Self.event(attributes: JSONObject([JSONObject.Member(key: key, value: .string(Self.number))]))
        hashANI.apply(to: &event)
        #expect(event.attributes[key] == .string(hashANI.pseudonym(for: Self.number)))
    }

    @Test("a value that already looks like a token is hashed again, so a sender cannot forge a pseudonym")
    func forgedPseudonym() {
        let forged = "hmac-sha256:" + String(repeating: "ab", count: 32)
        var event = Self.event(attributes: JSONObject(["ani": .string(forged)]))
        hashANI.apply(to: &event)
        #expect(event.attributes["ani"] == .string(hashANI.pseudonym(for: forged)))
    }

    @Test("a rule reaches values inside arrays of objects kept as one attribute")
    func insideArrays() throws {
        var event = Self.event(
            attributes: try Self.attributes(flattening: #"{"calls":[{"ANI":"+15551234567"},{"ani":"+15551234567"}]}"#))
        Redactor(rules: [RedactionRule(path: "attributes.calls.ani", action: .hash)], key: RedactionTests.key).apply(
            to: &event)
        #expect(!Self.leaks(event))
    }

    @Test("drop removes every duplicate of a key, in any case, and keeps the rest")
    func dropManyDuplicates() {
        // Its cost (linear, not a removal per duplicate) is measured by `ccrelay-bench redaction`.
        var members = Array(repeating: JSONObject.Member(key: "ani", value: "1"), count: 10_000)
        members.append(JSONObject.Member(key: "ANI", value: "2"))
        members.append(JSONObject.Member(key: "kept", value: "yes"))
        var event = Self.event(attributes: JSONObject(members))
        Redactor(rules: [RedactionRule(path: "attributes.ani", action: .drop)], key: RedactionTests.key).apply(
            to: &event)
        #expect(event.attributes.count == 1)
        #expect(event.attributes["kept"] == "yes")
    }
}
