import RelayCore
import Testing

@Suite("Field redaction")
struct RedactionTests {
    static let key = Array("0123456789abcdef0123456789abcdef".utf8)
    static let otherKey = Array("fedcba9876543210fedcba9876543210".utf8)

    static func event(ani: String = "+15551234567", keepRaw: Bool = true) -> Event {
        Event(
            eventID: "0123456789abcdef0123456789abcdef",
            timestamp: Timestamp(millisecondsSinceEpoch: 1_624_633_912_435),
            platform: .genesys,
            sourceKind: "conversation",
            eventType: "CALL_ENDED",
            actorID: "user-1",
            actorName: "Ada Lovelace",
            targetID: "conv-9",
            targetType: "CONVERSATION",
            attributes: JSONObject([
                "ani": .string(ani), "participant.dnis": "+15557654321", "participant.purpose": "customer",
                "duration": 42, "cleared": nil,
            ]),
            raw: keepRaw
                ? [
                    "ani": .string(ani),
                    "participant": ["dnis": "+15557654321", "purpose": "customer"],
                    "participants": [["dnis": "+15550000001", "name": "a"], ["dnis": "+15550000002", "name": "b"]],
                    "user": ["name": "Ada Lovelace"],
                ]
                : nil
        )
    }

    static func hashed(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.hasPrefix("hmac-sha256:") && text.utf8.count == "hmac-sha256:".utf8.count + 64
    }

    @Test("the token is HMAC-SHA256 of the value under the key (RFC 4231 case 2)")
    func knownVector() {
        let redactor = Redactor(rules: [], key: Array("Jefe".utf8))
        #expect(
            redactor.pseudonym(for: "what do ya want for nothing?")
                == "hmac-sha256:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
    }

    @Test("hashed values are stable for one key, differ across keys, and never equal the input")
    func hashing() throws {
        let rules = [
            RedactionRule(path: "attributes.ani", action: .hash), RedactionRule(path: "actor_name", action: .hash),
        ]
        let redactor = Redactor(rules: rules, key: Self.key)
        var first = Self.event(keepRaw: false)
        var second = Self.event(keepRaw: false)
        second.eventID = "another"
        redactor.apply(to: &first)
        redactor.apply(to: &second)
        let token = try #require(first.attributes["ani"]?.stringValue)
        #expect(Self.hashed(.string(token)))
        #expect(token != "+15551234567")
        #expect(!token.contains("5551234567"))
        #expect(second.attributes["ani"] == first.attributes["ani"])
        #expect(token == redactor.pseudonym(for: "+15551234567"))
        #expect(first.actorName == redactor.pseudonym(for: "Ada Lovelace"))

        var otherCaller = Self.event(ani: "+15559999999", keepRaw: false)
        redactor.apply(to: &otherCaller)
        #expect(otherCaller.attributes["ani"] != first.attributes["ani"])

        var otherKey = Self.event(keepRaw: false)
        Redactor(rules: rules, key: Self.otherKey).apply(to: &otherKey)
        #expect(otherKey.attributes["ani"] != first.attributes["ani"])
        #expect(otherKey.actorName != first.actorName)
    }

    @Test("a value is always hashed, even one that is already a token: nothing passes through")
    func neverPassedThrough() throws {
        let redactor = Redactor(rules: [RedactionRule(path: "attributes.ani", action: .hash)], key: Self.key)
        var once = Self.event()
        redactor.apply(to: &once)
        var twice = once
        redactor.apply(to: &twice)
        let token = try #require(once.attributes["ani"]?.stringValue)
        #expect(twice.attributes["ani"] == .string(redactor.pseudonym(for: token)))
    }

    @Test("dropped fields are gone and every other field is untouched")
    func dropping() {
        let redactor = Redactor(
            rules: [
                RedactionRule(path: "attributes.participant.dnis", action: .drop),
                RedactionRule(path: "actor_name", action: .drop),
                RedactionRule(path: "target_id", action: .hash),
            ],
            key: Self.key
        )
        let original = Self.event(keepRaw: false)
        var event = original
        redactor.apply(to: &event)
        #expect(event.attributes["participant.dnis"] == nil)
        #expect(event.actorName == nil)
        #expect(!event.encoded().contains(subsequence: Array("+15557654321".utf8)))
        #expect(!event.encoded().contains(subsequence: Array("Lovelace".utf8)))
        #expect(Self.hashed(event.targetID.map(JSONValue.string)))
        // Everything else as it was, in the same order.
        #expect(event.attributes.members.map(\.key) == ["ani", "participant.purpose", "duration", "cleared"])
        #expect(event.attributes["ani"] == original.attributes["ani"])
        #expect(event.attributes["participant.purpose"] == "customer")
        #expect(event.attributes["duration"] == 42)
        #expect(event.actorID == original.actorID)
        #expect(event.targetType == original.targetType)
        #expect(event.eventID == original.eventID)
        #expect(event.eventType == original.eventType)
        #expect(event.timestamp == original.timestamp)
    }

    @Test("non-string attributes hash their JSON; null stays null")
    func nonStrings() {
        let redactor = Redactor(
            rules: [
                RedactionRule(path: "attributes.duration", action: .hash),
                RedactionRule(path: "attributes.cleared", action: .hash),
            ],
            key: Self.key
        )
        var event = Self.event(keepRaw: false)
        redactor.apply(to: &event)
        #expect(event.attributes["duration"] == .string(redactor.pseudonym(for: "42")))
        #expect(event.attributes["cleared"] == .null)
    }

    @Test("rules apply to the raw record at the same path, through nested objects and arrays")
    func raw() throws {
        let redactor = Redactor(
            rules: [
                RedactionRule(path: "attributes.ani", action: .hash),
                RedactionRule(path: "attributes.participant.dnis", action: .drop),
                RedactionRule(path: "attributes.participants.dnis", action: .hash),
                RedactionRule(path: "raw.user.name", action: .drop),
            ],
            key: Self.key
        )
        var event = Self.event()
        redactor.apply(to: &event)
        let raw = try #require(event.raw)
        #expect(raw["ani"] == event.attributes["ani"])
        #expect(Self.hashed(raw["ani"]))
        #expect(raw["participant"] == ["purpose": "customer"])
        let participants = try #require(raw["participants"]?.arrayValue)
        #expect(participants.count == 2)
        #expect(participants[0]["dnis"] == .string(redactor.pseudonym(for: "+15550000001")))
        #expect(participants[1]["dnis"] == .string(redactor.pseudonym(for: "+15550000002")))
        #expect(participants[1]["name"] == "b")
        #expect(raw["user"] == .object(JSONObject()))
        // `raw.` rules touch only the raw record.
        #expect(event.actorName == "Ada Lovelace")
    }

    @Test("a dotted key in the raw record is found as well as the nested path")
    func rawDottedKey() throws {
        var event = Self.event()
        event.raw = ["participant.dnis": "+1555", "participant": ["dnis": "+1666"]]
        Redactor(rules: [RedactionRule(path: "attributes.participant.dnis", action: .drop)], key: Self.key).apply(
            to: &event)
        #expect(event.raw == ["participant": .object(JSONObject())])
    }

    @Test("unknown paths and absent fields are ignored")
    func unknownPaths() {
        let redactor = Redactor(
            rules: [
                RedactionRule(path: "attributes.nope", action: .drop),
                RedactionRule(path: "attributes.ani.deeper", action: .hash),
                RedactionRule(path: "no_such_field", action: .hash),
                RedactionRule(path: "event_type", action: .drop),
                RedactionRule(path: "old_value", action: .hash),
                RedactionRule(path: "raw.", action: .drop),
                RedactionRule(path: "attributes.", action: .drop),
                RedactionRule(path: "", action: .drop),
            ],
            key: Self.key
        )
        let original = Self.event()
        var event = original
        redactor.apply(to: &event)
        #expect(event == original)
    }
}

extension [UInt8] {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
