import RelayCore
import RelayTesting
import Testing

@testable import RelayPatterns

/// A pattern matched straight against an ``Event`` must decide exactly as against its
/// ``Event/jsonValue``, which is what routes were matched against before.
@Suite("Event patterns against events, without the JSON tree")
struct EventFieldMatchingTests {
    static let texts = ["", "X", "QUEUE_UPDATED", "u-1", "Queue", "10.1.2.3", "a", "running"]

    static func randomText(_ generator: inout SplitMix64) -> String? {
        Bool.random(using: &generator) ? nil : texts.randomElement(using: &generator)!
    }

    static func randomEvent(_ generator: inout SplitMix64) -> Event {
        var attributes = JSONObject()
        for _ in 0..<Int.random(in: 0..<4, using: &generator) {
            attributes.append(
                key: ["a", "b", "ip", "detail", "n"].randomElement(using: &generator)!,
                value: RandomEventTests.randomValue(&generator, depth: 1))
        }
        var event = Event(
            eventID: texts.randomElement(using: &generator)!,
            timestamp: Timestamp(millisecondsSinceEpoch: Int64.random(in: 0..<2_000_000_000_000, using: &generator)),
            platform: Bool.random(using: &generator) ? .genesys : .cxone,
            sourceKind: ["audit", "conversation", "notification"].randomElement(using: &generator)!,
            eventType: texts.randomElement(using: &generator)!,
            attributes: attributes)
        event.actorID = randomText(&generator)
        event.actorName = randomText(&generator)
        event.targetID = randomText(&generator)
        event.targetType = randomText(&generator)
        event.oldValue = randomText(&generator)
        event.newValue = randomText(&generator)
        if Bool.random(using: &generator) { event.raw = RandomEventTests.randomValue(&generator, depth: 0) }
        return event
    }

    static let patterns = [
        #"{"platform":["genesys"],"source_kind":["audit"],"event_type":[{"prefix":"QUEUE_"}]}"#,
        #"{"actor_id":[{"exists":false}],"target_type":["Queue",""]}"#,
        #"{"$or":[{"old_value":[{"exists":true}]},{"new_value":["a"]},{"actor_name":[{"anything-but":"X"}]}]}"#,
        #"{"attributes":{"a":["a",5,true,null],"ip":[{"cidr":"10.0.0.0/8"},{"exists":false}]}}"#,
        #"{"attributes":{"detail":{"state":[{"anything-but":{"prefix":"r"}}]}},"target_id":[{"exists":true}]}"#,
        #"{"raw":{"a":[{"exists":true}]},"event_id":[{"wildcard":"*"}]}"#,
        #"{"timestamp":[{"prefix":"2026-"},{"suffix":"0Z"}],"unknown":[{"exists":false}]}"#,
        #"{"attributes":[{"exists":false}],"raw":[{"exists":false}]}"#,
    ]

    @Test("every pattern decides as on the event's JSON", arguments: 0..<8)
    func sameDecisionAsOnTheJSON(patternIndex: Int) throws {
        let pattern = try EventPattern(parsing: Self.patterns[patternIndex])
        var generator = SplitMix64(seed: UInt64(patternIndex) &+ 0xE7E47)
        var matched = 0
        for _ in 0..<2_000 {
            let event = Self.randomEvent(&generator)
            let direct = pattern.matches(event)
            #expect(direct == pattern.matches(event.jsonValue), "\(event)")
            if direct { matched += 1 }
        }
        #expect(matched > 0)
        #expect(matched < 2_000)
    }

    @Test("every key of the event's JSON reads the same value, and no other key reads one")
    func fieldsAreTheJSONKeys() throws {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let event = Self.randomEvent(&generator)
            let json = try #require(event.jsonValue.objectValue)
            let fields = EventFields(event: event)
            for member in json {
                #expect(fields.patternField(member.key) == member.value, "\(member.key)")
            }
            for key in [
                "event_id", "timestamp", "platform", "source_kind", "event_type", "actor_id", "actor_name",
                "target_id", "target_type", "old_value", "new_value", "attributes", "raw", "other", "",
            ]
            where json[key] == nil {
                #expect(fields.patternField(key) == nil, "\(key)")
            }
        }
    }
}
