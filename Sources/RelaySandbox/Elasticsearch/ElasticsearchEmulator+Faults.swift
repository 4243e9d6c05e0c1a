import RelayCore

/// Run-time fault control of the cluster (`POST /_sandbox/faults`, `GET /_sandbox/stats`), for
/// chaos runs against `ccrelay sandbox`.
extension ElasticsearchEmulator: FaultsControllable {
    var faultKnobs: [String: String] {
        [
            "clear": "true: drop every queued fault first",
            "throttled": "next N _bulk POSTs answer 429 with Retry-After retry_after_secs",
            "retry_after_secs": "Retry-After of throttled (default 1)",
            "throttled_items":
                "after the other faults queued with it, a _bulk POST answers its first N items 429 and handles the others",
            "unavailable": "next N _bulk POSTs answer 503",
            "unauthorized": "next N _bulk POSTs answer 401, whatever the credentials",
            "lose_answers": "next N _bulk POSTs are indexed, then the connection is closed without an answer",
        ]
    }

    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem) {
        let clear = try knobs.flag("clear")
        let retryAfter = try knobs.count("retry_after_secs") ?? 1
        var queued = Array(
            repeating: ElasticsearchFault.throttled(retryAfterSeconds: retryAfter),
            count: try knobs.count("throttled") ?? 0)
        for (key, fault) in [
            ("unavailable", ElasticsearchFault.unavailable), ("unauthorized", .unauthorized),
            ("lose_answers", .answerLost),
        ] {
            queued += Array(repeating: fault, count: try knobs.count(key) ?? 0)
        }
        if let items = try knobs.count("throttled_items"), items > 0 { queued.append(.throttledItems(count: items)) }
        if clear { state.withLock { $0.faults.removeAll() } }
        injectFaults(queued)
    }

    var adminStats: JSONValue {
        let (stats, ids, queued) = state.withLock { state in
            (state.stats, state.documents.map(\.eventID), state.faults.count)
        }
        let (stored, distinct) = indexSummary(ids)
        return [
            "stored": stored, "distinct_event_ids": distinct, "requests": .number(JSONNumber(stats.requests)),
            "created": .number(JSONNumber(stats.created)), "conflicts": .number(JSONNumber(stats.conflicts)),
            "item_errors": .number(JSONNumber(stats.itemErrors)),
            "faults_served": .number(JSONNumber(stats.faultsServed)), "faults_queued": .number(JSONNumber(queued)),
        ]
    }
}
