import RelayCore
import RelayPatterns

/// Route matching (issue 17): three EventBridge pattern routes over 4,096 realistic normalized
/// events, matched the way the router did before (the event's JSON tree built once per event, each
/// pattern walked over it, without the router's own work) and through ``EventRouter`` as it is
/// (since issue 17 each pattern reads only the fields it names, straight from the ``Event``). The two
/// alternate, in the same process. `Benchmarks/route-before-after.sh` builds this file against the
/// router of two commits, so its second column compares them.
enum RouteBench {
    static let patterns = [
        #"{"source_kind":["audit"],"event_type":[{"prefix":"QUEUE_"}]}"#,
        #"{"source_kind":["conversation"],"attributes":{"media_type":["voice"],"disconnect_type":[{"anything-but":["client"]}]}}"#,
        #"{"source_kind":["transcript"]}"#,
    ]

    static func run(rounds: Int = 6, passes: Int = 400) throws {
        let compiled = try patterns.map { pattern throws(PatternError) in try EventPattern(parsing: pattern) }
        let router = EventRouter(
            routes: compiled.enumerated().map { index, pattern in
                Route(name: "r\(index)", from: ["genesys"], to: ["sink\(index)"], matcher: pattern)
            })
        let events = makeEvents()
        for event in events {
            let json = event.jsonValue
            let viaJSON = compiled.indices.filter { compiled[$0].matches(json) }.map { "sink\($0)" }
            precondition(viaJSON == router.sinks(forSource: "genesys", event: event), "both ways decide alike")
        }
        func viaJSON() -> Int {
            var matched = 0
            for event in events {
                let json = event.jsonValue
                for pattern in compiled where pattern.matches(json) { matched += 1 }
            }
            return matched
        }
        func direct() -> Int {
            var matched = 0
            for event in events { matched += router.sinks(forSource: "genesys", event: event).count }
            return matched
        }
        func nanosecondsPerEvent(_ body: () -> Int) -> Double {
            let start = ContinuousClock.now
            var sum = 0
            for _ in 0..<passes { sum &+= body() }
            precondition(sum > 0)
            return (ContinuousClock.now - start).seconds * 1e9 / Double(passes * events.count)
        }
        say("## Route matching (\(events.count) events × \(passes) passes, 3 pattern routes)\n")
        say("| round | patterns on event.jsonValue (ns/event) | EventRouter.sinks (ns/event) |")
        say("|---|---:|---:|")
        for round in 1...rounds {
            var json = 0.0, event = 0.0
            if round % 2 == 1 {
                json = nanosecondsPerEvent(viaJSON)
                event = nanosecondsPerEvent(direct)
            } else {
                event = nanosecondsPerEvent(direct)
                json = nanosecondsPerEvent(viaJSON)
            }
            say("| \(round) | \(formatted(json, digits: 1)) | \(formatted(event, digits: 1)) |")
        }
        say()
    }

    /// Conversation, audit, transcript and notification events with ten attributes each.
    static func makeEvents() -> [Event] {
        let kinds = ["audit", "conversation", "transcript", "notification"]
        let types = ["QUEUE_UPDATED", "USER_CREATED", "CONVERSATION_END", "USERS_PRESENCE"]
        return (0..<4096).map { index in
            var attributes = JSONObject()
            attributes.append(
                key: "topic_name", value: .string("v2.detail.events.conversation.c-\(index).customer.end"))
            attributes.append(key: "correlation_id", value: .string("b61df0b3-aaaa-bbbb-cccc-\(index)"))
            attributes.append(key: "media_type", value: .string(index % 3 == 0 ? "voice" : "chat"))
            attributes.append(key: "disconnect_type", value: .string(index % 5 == 0 ? "client" : "peer"))
            attributes.append(key: "queue_id", value: .string("q-\(index % 17)"))
            attributes.append(key: "division_id", value: .string("d-\(index % 3)"))
            attributes.append(key: "participant_id", value: .string("p-\(index)"))
            attributes.append(key: "session_id", value: .string("s-\(index)"))
            attributes.append(key: "duration_ms", value: .number(JSONNumber(Int64(index * 13))))
            attributes.append(key: "ani", value: .string("tel:+1555\(index)"))
            var event = Event(
                eventID: EventID.make(platform: .genesys, nativeID: "e-\(index)"),
                timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000 + Int64(index)),
                platform: .genesys, sourceKind: kinds[index % 4], eventType: types[(index / 4) % 4],
                attributes: attributes)
            event.actorID = "278522be-aaaa-bbbb-cccc-ddddeeeeffff"
            event.actorName = "John Doe"
            event.targetID = "q-\(index % 17)"
            event.targetType = "Queue"
            event.oldValue = "Break"
            event.newValue = "Available"
            return event
        }
    }
}
