import RelayCore
import Testing

@Suite("Event encoding and EventID")
struct EventTests {
    static let full = Event(
        eventID: "0123456789abcdef0123456789abcdef",
        timestamp: Timestamp(millisecondsSinceEpoch: 1_624_633_912_435),
        platform: .genesys,
        sourceKind: "audit",
        eventType: "QUEUE_CREATED",
        actorID: "user-1",
        actorName: "Ada \"The Admin\" Lovelace\n\u{01}😀",
        targetID: "queue-9",
        targetType: "QUEUE",
        oldValue: #"{"name":"old"}"#,
        newValue: #"{"name":"new\\path"}"#,
        attributes: JSONObject(["z.last": "1", "a.first": 2, "m.nested": ["x": [true, nil]]]),
        raw: ["id": "native-1", "big": .number(JSONNumber(uncheckedLiteral: "12345678901234567890"))]
    )

    @Test("every field is present, snake_case, in the documented order")
    func fullEncoding() throws {
        let parsed = try JSONParser.parse(Self.full.encoded())
        let object = try #require(parsed.objectValue)
        #expect(object.members.map(\.key) == Event.commonFieldNames)
        #expect(parsed["event_id"] == "0123456789abcdef0123456789abcdef")
        #expect(parsed["timestamp"] == "2021-06-25T15:11:52.435Z")
        #expect(parsed["platform"] == "genesys")
        #expect(parsed["source_kind"] == "audit")
        #expect(parsed["event_type"] == "QUEUE_CREATED")
        #expect(parsed["actor_id"] == "user-1")
        #expect(parsed["target_id"] == "queue-9")
        #expect(parsed["target_type"] == "QUEUE")
        // old/new values are JSON text carried as strings, not nested objects.
        #expect(parsed["old_value"] == .string(#"{"name":"old"}"#))
        #expect(parsed["new_value"] == .string(#"{"name":"new\\path"}"#))
        #expect(parsed["attributes"]?.objectValue?.members.map(\.key) == ["z.last", "a.first", "m.nested"])
        #expect(parsed["attributes"] == .object(Self.full.attributes))
        #expect(parsed["raw"] == Self.full.raw)
        #expect(String(decoding: Self.full.encoded(), as: UTF8.self).contains("12345678901234567890"))
    }

    @Test("strings are escaped so the text survives exactly")
    func escaping() throws {
        let encoded = Self.full.encoded()
        #expect(!encoded.contains { $0 < 0x20 })
        #expect(try JSONParser.parse(encoded)["actor_name"]?.stringValue == Self.full.actorName)
    }

    @Test("absent optional fields are omitted, never written as null")
    func omitsNil() throws {
        let event = Event(
            eventID: "id", timestamp: Timestamp(millisecondsSinceEpoch: 0), platform: .cxone,
            sourceKind: "audit", eventType: "USER_LOGIN"
        )
        let text = String(decoding: event.encoded(), as: UTF8.self)
        #expect(
            text
                == #"{"event_id":"id","timestamp":"1970-01-01T00:00:00.000Z","platform":"cxone","source_kind":"audit","event_type":"USER_LOGIN","attributes":{}}"#
        )
        #expect(!text.contains("null"))
    }

    @Test(
        "each optional field appears alone, in its place, when only it is set",
        arguments: ["actor_id", "actor_name", "target_id", "target_type", "old_value", "new_value", "raw"]
    )
    func singleOptional(_ key: String) throws {
        var event = Event(
            eventID: "id", timestamp: Timestamp(millisecondsSinceEpoch: 0), platform: .genesys,
            sourceKind: "audit", eventType: "X"
        )
        switch key {
        case "actor_id": event.actorID = "v"
        case "actor_name": event.actorName = "v"
        case "target_id": event.targetID = "v"
        case "target_type": event.targetType = "v"
        case "old_value": event.oldValue = "v"
        case "new_value": event.newValue = "v"
        default: event.raw = "v"
        }
        let keys = try #require(try JSONParser.parse(event.encoded()).objectValue).members.map(\.key)
        let expected = Event.commonFieldNames.filter {
            ["event_id", "timestamp", "platform", "source_kind", "event_type", "attributes", key].contains($0)
        }
        #expect(keys == expected)
    }

    @Test("encode(into:) appends to what is already in the buffer")
    func appends() {
        var buffer: [UInt8] = Array("[".utf8)
        Self.full.encode(into: &buffer)
        #expect(buffer == Array("[".utf8) + Self.full.encoded())
    }

    // MARK: EventID

    @Test("EventID is deterministic: the same record always gets the same id")
    func eventIDDeterministic() {
        #expect(EventID.make(platform: .genesys, nativeID: "abc") == EventID.make(platform: .genesys, nativeID: "abc"))
        // Pinned values: changing the scheme would break deduplication across upgrades.
        #expect(EventID.make(platform: .genesys, nativeID: "abc") == "5f1f1c7d7efe7171b324081f0475120a")
        #expect(EventID.make(platform: .cxone, nativeID: "abc", topic: "topic-1") == "c7b1ceebb3e9a8b9f1e8f5a29a69cb58")
    }

    @Test("EventID differs by platform, native id and topic")
    func eventIDDiffers() {
        let ids = [
            EventID.make(platform: .genesys, nativeID: "abc"),
            EventID.make(platform: .cxone, nativeID: "abc"),
            EventID.make(platform: .genesys, nativeID: "abd"),
            EventID.make(platform: .genesys, nativeID: "abc", topic: "t1"),
            EventID.make(platform: .genesys, nativeID: "abc", topic: "t2"),
            EventID.make(platform: .genesys, nativeID: "abc", topic: ""),
            // The separator keeps field boundaries: ("ab", topic "c") is not ("a", topic "bc").
            EventID.make(platform: .genesys, nativeID: "ab", topic: "c"),
            EventID.make(platform: .genesys, nativeID: "a", topic: "bc"),
            EventID.make(platform: Platform(rawValue: "genesysa"), nativeID: "bc"),
        ]
        #expect(Set(ids).count == ids.count)
    }

    @Test("EventID is 32 lowercase hex characters", arguments: ["", "x", "a-much-longer-native-identifier", "日本"])
    func eventIDShape(_ nativeID: String) {
        for topic in [nil, "topic"] as [String?] {
            let id = EventID.make(platform: .genesys, nativeID: nativeID, topic: topic)
            #expect(id.utf8.count == 32)
            #expect(id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }, "\(id)")
        }
    }
}
