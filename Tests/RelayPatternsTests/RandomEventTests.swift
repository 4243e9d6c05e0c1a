import RelayCore
import RelayPatterns
import RelayTesting
import Testing

@Suite("Event patterns against random events")
struct RandomEventTests {
    static let keys = ["a", "b", "detail", "ip", "n", "state", "$or", ""]
    static let strings = [
        "", "a", "A", "running", "10.0.0.1", "::1", "2001:db8::1", "fe80::1:2:3:4", "1::2::3", ":", "::", "1.2.3",
        "a*b", "\\", "Zürich", "ZÜRICH", "ǅ", "x.tmp", "999.1.1.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff:1",
    ]
    static let numbers = [
        "0", "-0", "5", "5.0", "1e308", "-1e308", "3.018e2", "9223372036854775807", "18446744073709551616", "1e999",
    ]

    static func randomValue(_ generator: inout SplitMix64, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(JSONNumber(uncheckedLiteral: numbers.randomElement(using: &generator)!))
        case 3, 4: return .string(strings.randomElement(using: &generator)!)
        case 5:
            let count = Int.random(in: 0..<4, using: &generator)
            return .array((0..<count).map { _ in randomValue(&generator, depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0..<4, using: &generator) {
                object.append(
                    key: keys.randomElement(using: &generator)!, value: randomValue(&generator, depth: depth + 1))
            }
            return .object(object)
        }
    }

    static let patterns = [
        #"{"a":["a",5,true,null],"$or":[{"detail":{"state":[{"anything-but":{"prefix":"r"}}]}},{"b":[{"exists":false}]}]}"#,
        #"{"a":[{"prefix":{"equals-ignore-case":"zü"}},{"suffix":{"equals-ignore-case":"RICH"}},{"equals-ignore-case":"ǆ"}]}"#,
        #"{"ip":[{"cidr":"10.0.0.0/8"},{"cidr":"2001:db8::/32"},{"cidr":"::/0"}]}"#,
        #"{"n":[{"numeric":[">=",0,"<",1e300]},{"anything-but":[5,0]}]}"#,
        #"{"b":[{"wildcard":"*a\\*b*"},{"exists":false}],"$or":[{"a":[{"exists":true}]},{"detail":{"n":[5.0]}}]}"#,
        #"{"detail":{"detail":{"a":[{"exists":false}]},"$or":[{"b":[null]},{"":[""]}]}}"#,
    ]

    @Test("evaluation never crashes and is deterministic", arguments: 0..<6)
    func neverCrashes(patternIndex: Int) throws {
        let pattern = try EventPattern(parsing: Self.patterns[patternIndex])
        var generator = SplitMix64(seed: UInt64(patternIndex) &* 7919)
        var matched = 0
        for _ in 0..<2_000 {
            let event = Self.randomValue(&generator, depth: 0)
            let first = pattern.matches(event)
            #expect(first == pattern.matches(event))
            if first { matched += 1 }
        }
        // The generator reaches both outcomes, so the loop exercises real matching, not early exits.
        #expect(matched > 0)
        #expect(matched < 2_000)
    }
}
