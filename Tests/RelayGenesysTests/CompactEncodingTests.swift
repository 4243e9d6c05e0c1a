import RelayCore
import RelayGenesys
import RelaySandbox
import Testing

@Suite("The compact encoding of normalized Genesys events")
struct CompactEncodingTests {
    /// Normalized events of every generated kind: 2,000 push events of the sandbox's mix.
    static func events() throws -> [Event] {
        var generator = GenesysEventBridgeGenerator(seed: 7)
        let load = generator.generate(count: 2_000, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        let normalizer = GenesysEventBridgeNormalizer()
        return try load.map { try normalizer.normalize($0.event) }
    }

    @Test("every generated kind has events, and compacting leaves out no event of them")
    func everyKind() throws {
        let events = try Self.events()
        #expect(Set(events.map(\.sourceKind)) == ["audit", "conversation", "edge_metrics", "transcript"])
        for event in events {
            let compact = try #require(try JSONParser.parse(CompactEvent.compact(event.encoded())).objectValue)
            #expect(compact["event_id"]?.stringValue == event.eventID)
        }
    }

    @Test("no null, empty string, empty object or empty array at any depth of an object")
    func noEmptyMembers() throws {
        func check(_ value: JSONValue, _ path: String) {
            switch value {
            case .null: Issue.record("null at \(path)")
            case .string(let text): #expect(!text.isEmpty, "empty string at \(path)")
            case .array(let elements):
                #expect(!elements.isEmpty, "empty array at \(path)")
                for (index, element) in elements.enumerated() where element.objectValue != nil {
                    check(element, "\(path)[\(index)]")
                }
            case .object(let object):
                #expect(!object.isEmpty, "empty object at \(path)")
                for member in object { check(member.value, "\(path).\(member.key)") }
            case .bool, .number: break
            }
        }
        var sawEmpty = false
        for event in try Self.events() {
            sawEmpty = sawEmpty || event.attributes.contains { $0.value == .string("") }
            check(try JSONParser.parse(CompactEvent.compact(event.encoded())), event.sourceKind)
        }
        // The generated audits carry an empty `clientId`, so the check above has something to remove.
        #expect(sawEmpty)
    }

    @Test("no attribute repeats actor_id, actor_name or target_id, and topic_name is left out")
    func noRepeatedCommonField() throws {
        var repeated = 0
        for event in try Self.events() {
            let lifted = Set([event.actorID, event.actorName, event.targetID].compactMap { $0 })
            repeated += event.attributes.filter { $0.value.stringValue.map(lifted.contains) ?? false }.count
            let compact = try #require(try JSONParser.parse(CompactEvent.compact(event.encoded())).objectValue)
            for attribute in compact["attributes"]?.objectValue ?? JSONObject() {
                #expect(!(attribute.value.stringValue.map(lifted.contains) ?? false), "\(attribute.key)")
            }
            #expect(compact["attributes"]?["topic_name"] == nil)
        }
        // Conversation events copy their conversation id and user id into the attributes.
        #expect(repeated > 0)
    }

    @Test("everything else is kept: common fields as they are, other attributes with their values")
    func keepsTheRest() throws {
        for event in try Self.events() {
            let full = try #require(event.jsonValue.objectValue)
            let compact = try #require(try JSONParser.parse(CompactEvent.compact(event.encoded())).objectValue)
            for member in full where member.key != "attributes" {
                #expect(compact[member.key] == member.value, "\(member.key)")
            }
            let lifted = Set([event.actorID, event.actorName, event.targetID].compactMap { $0 })
            let kept = compact["attributes"]?.objectValue ?? JSONObject()
            for attribute in event.attributes {
                let text = attribute.value.stringValue
                let dropped =
                    text == "" || attribute.value.isNull || text.map(lifted.contains) == true
                    || attribute.key == "topic_name" || attribute.key == "transcripts"
                #expect(dropped == (kept[attribute.key] == nil), "\(event.sourceKind) \(attribute.key)")
                if !dropped { #expect(kept[attribute.key] == attribute.value, "\(attribute.key)") }
            }
        }
    }

    @Test("copying member spans gives the bytes parsing and rewriting gives, with full names and short keys")
    func spansAgreeWithParsing() throws {
        for event in try Self.events() {
            var withRaw = event
            withRaw.raw = ["id": "x", "empty": "", "nested": ["a": nil, "b": [:]], "list": [nil, "", 1]]
            for payload in [event.encoded(), withRaw.encoded()] {
                for keys in [CompactEvent.KeyNames.full, .short] {
                    #expect(
                        CompactEvent.compact(payload, keys: keys) == CompactEvent.compactParsing(payload, keys: keys))
                }
            }
        }
    }

    @Test("short keys name the same members: expanded, a short-key event is the full-name compact event")
    func shortKeysExpandToFullNames() throws {
        var renamed = 0
        for event in try Self.events() {
            let payload = event.encoded()
            let short = try #require(try JSONParser.parse(CompactEvent.compact(payload, keys: .short)).objectValue)
            let full = try #require(try JSONParser.parse(CompactEvent.compact(payload, keys: .full)).objectValue)
            #expect(CompactKeys.expanded(short) == full, "\(event.sourceKind) \(event.eventType)")
            #expect(short["event_type"] == nil && short["et"] == full["event_type"])
            let attributes = short["attributes"]?.objectValue ?? JSONObject()
            renamed += attributes.filter { key in CompactKeys.attributes.contains { $0.key == key.key } }.count
            // Objects and arrays keep their names, so a search addresses what is inside them.
            for attribute in attributes where attribute.value.objectValue != nil || attribute.value.arrayValue != nil {
                #expect(!CompactKeys.attributes.contains { $0.key == attribute.key }, "\(attribute.key)")
            }
        }
        #expect(renamed > 0)
    }

    @Test("short keys are unique, and none is a full name")
    func shortKeysAreUnambiguous() {
        let pairs = CompactKeys.commonFields + CompactKeys.attributes
        let keys = pairs.map(\.key)
        #expect(Set(CompactKeys.commonFields.map(\.key)).count == CompactKeys.commonFields.count)
        #expect(Set(CompactKeys.attributes.map(\.key)).count == CompactKeys.attributes.count)
        #expect(Set(keys).isDisjoint(with: pairs.map(\.name)))
        #expect(Set(keys).isDisjoint(with: Event.commonFieldNames))
        #expect(keys.allSatisfy { $0.count >= 2 && $0.count <= 4 && $0.allSatisfy(\.isLowercase) })
    }

    @Test("the full encoding is the stored payload, byte for byte")
    func fullIsTheStoredPayload() throws {
        for event in try Self.events().prefix(200) {
            #expect(EventEncoding.full.payload(event.encoded(), keys: .short) == event.encoded())
        }
    }
}
