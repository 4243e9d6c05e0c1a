import RelayCore
import Testing

@Suite("CompactEvent: what the compact encoding leaves out")
struct CompactEventTests {
    static func compact(_ text: String, keys: CompactEvent.KeyNames = .full) -> String {
        String(decoding: CompactEvent.compact(Array(text.utf8), keys: keys), as: UTF8.self)
    }

    @Test("empty members go at any depth of an object; array elements stay where they are")
    func emptyMembers() {
        let event = #"""
            {"event_id":"e","actor_name":"","attributes":{"a":null,"b":"","c":{},"d":[],"e":{"f":null,"g":1},"h":[{},"x",{"i":""}],"j":false,"k":0}}
            """#
        #expect(
            Self.compact(event)
                == #"{"event_id":"e","attributes":{"e":{"g":1},"h":[{},"x",{}],"j":false,"k":0}}"#)
    }

    @Test("an event whose attributes are all left out has no attributes member")
    func noAttributes() {
        #expect(Self.compact(#"{"event_id":"e","attributes":{"a":null}}"#) == #"{"event_id":"e"}"#)
        #expect(Self.compact(#"{"event_id":"e","attributes":{}}"#) == #"{"event_id":"e"}"#)
    }

    @Test("attributes equal to actor_id, actor_name or target_id go; other equal values stay")
    func repeatedCommonFields() {
        let event = #"""
            {"event_id":"e","event_type":"T","actor_id":"u1","actor_name":"Ada","target_id":"c1","target_type":"Queue",
            "attributes":{"user_id":"u1","name":"Ada","conversation_id":"c1","kind":"Queue","type":"T","n":1}}
            """#
        #expect(
            Self.compact(event)
                == #"{"event_id":"e","event_type":"T","actor_id":"u1","actor_name":"Ada","target_id":"c1","target_type":"Queue","attributes":{"kind":"Queue","type":"T","n":1}}"#
        )
    }

    @Test("topic_name goes only when it names the target; transcripts only beside its summary")
    func topicAndSummaries() {
        let named = #"{"target_id":"c1","attributes":{"topic_name":"v2.x.c1.end","transcripts":[1],"transcript":"hi"}}"#
        #expect(Self.compact(named) == #"{"target_id":"c1","attributes":{"transcript":"hi"}}"#)
        let other = #"{"target_id":"c1","attributes":{"topic_name":"v2.users.u9.presence","transcripts":[1]}}"#
        #expect(
            Self.compact(other)
                == #"{"target_id":"c1","attributes":{"topic_name":"v2.users.u9.presence","transcripts":[1]}}"#)
        #expect(Self.compact(#"{"attributes":{"topic_name":"v2.a"}}"#) == #"{"attributes":{"topic_name":"v2.a"}}"#)
    }

    @Test("a payload that is not a JSON object is sent as it is")
    func notAnObject() {
        for text in ["not json", "[1,2]", #""text""#, #"{"a":"#] {
            #expect(Self.compact(text) == text)
        }
    }

    @Test("strings with escapes at every offset of a word, and texts with whitespace, compact to what parsing gives")
    func escapesAndWhitespace() {
        for before in 0..<18 {
            for escape in [#"\""#, #"\\"#, #"\n"#, #"\u00e9"#] {
                let text = String(repeating: "a", count: before) + escape + String(repeating: "b", count: before % 5)
                let payloads = [
                    #"{"event_id":"\#(text)","attributes":{"status":"\#(text)","empty":"","x":["\#(text)",{}]}}"#,
                    #"{"event_id":"e", "attributes":{"status":"\#(text)"}}"#,
                    #"{"event_id":"\#(text)"} "#,
                ]
                for payload in payloads {
                    for keys in [CompactEvent.KeyNames.full, .short] {
                        let bytes = Array(payload.utf8)
                        // The same JSON (a copied span keeps `\u00e9` where the writer writes é).
                        #expect(
                            (try? JSONParser.parse(CompactEvent.compact(bytes, keys: keys)))
                                == (try? JSONParser.parse(CompactEvent.compactParsing(bytes, keys: keys))),
                            "\(payload)")
                    }
                }
            }
        }
    }

    @Test("short keys rename common fields and scalar attributes only; containers and unknown names keep theirs")
    func shortKeys() {
        let payload =
            #"{"event_id":"e","event_type":"T","old_value":{"k":1},"attributes":{"correlation_id":"c","status":{"code":1},"queue_id":"q","custom":"x"},"raw":{"event_type":"r"}}"#
        #expect(
            Self.compact(payload, keys: .short)
                == #"{"eid":"e","et":"T","old_value":{"k":1},"attributes":{"cid":"c","status":{"code":1},"qid":"q","custom":"x"},"raw":{"event_type":"r"}}"#
        )
    }

    @Test("full returns the payload; compact rewrites every entry's payload and nothing else")
    func encodings() {
        let payload = Array(#"{"event_id":"e","attributes":{"a":""}}"#.utf8)
        #expect(EventEncoding.full.payload(payload, keys: .short) == payload)
        #expect(EventEncoding.compact.payload(payload, keys: .full) == Array(#"{"event_id":"e"}"#.utf8))
        #expect(EventEncoding.compact.payload(payload, keys: .short) == Array(#"{"eid":"e"}"#.utf8))
        let entry = OutboxEntry(
            id: 3, eventID: "e", timestamp: Timestamp(millisecondsSinceEpoch: 5), platform: .genesys, payload: payload,
            enqueuedAt: Timestamp(millisecondsSinceEpoch: 6))
        #expect(EventEncoding.full.entries([entry], keys: .short) == [entry])
        var compacted = entry
        compacted.payload = Array(#"{"event_id":"e"}"#.utf8)
        #expect(EventEncoding.compact.entries([entry], keys: .full) == [compacted])
        #expect(EventEncoding.default == .compact)
    }
}
