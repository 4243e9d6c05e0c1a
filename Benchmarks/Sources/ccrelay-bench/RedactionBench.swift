import RelayCore

/// The cost of redaction rules on a hostile record (issue 18: a `drop` rule was quadratic, 19 s of
/// CPU for 160,000 duplicate keys): `drop` and `hash` over N and 2N duplicates of the ruled key in
/// one record. Linear work doubles with N; a removal per duplicate would quadruple.
enum RedactionBench {
    static func run() {
        say("## Redaction of a record with many duplicate keys\n")
        say("| rule | duplicates | ms | ms at 2× the duplicates | ratio (linear ≈ 2, quadratic ≈ 4) |")
        say("|---|---:|---:|---:|---:|")
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        for action in [RedactionRule.Action.drop, .hash] {
            let redactor = Redactor(rules: [RedactionRule(path: "attributes.ani", action: action)], key: key)
            let count = 160_000
            let single = milliseconds(redactor, duplicates: count)
            let double = milliseconds(redactor, duplicates: 2 * count)
            say(
                "| \(action.rawValue) | \(count) | \(formatted(single, digits: 1)) | \(formatted(double, digits: 1)) | \(formatted(double / single, digits: 1)) |"
            )
        }
        say()
    }

    /// The best of three runs of `redactor` on a record with `duplicates` members named `ani`
    /// (every second one `ANI`) and one other member.
    private static func milliseconds(_ redactor: Redactor, duplicates: Int) -> Double {
        var members = (0..<duplicates).map { JSONObject.Member(key: $0 % 2 == 0 ? "ani" : "ANI", value: "+15550100") }
        members.append(JSONObject.Member(key: "kept", value: "yes"))
        var best = Double.infinity
        for _ in 0..<3 {
            var event = Event(
                eventID: "0123456789abcdef0123456789abcdef",
                timestamp: Timestamp(millisecondsSinceEpoch: 1_624_633_912_435),
                platform: .genesys, sourceKind: "conversation", eventType: "CALL_ENDED",
                attributes: JSONObject(members))
            let start = ContinuousClock.now
            redactor.apply(to: &event)
            best = min(best, (ContinuousClock.now - start).seconds * 1000)
            precondition(event.attributes["kept"] == "yes")
        }
        return best
    }
}
