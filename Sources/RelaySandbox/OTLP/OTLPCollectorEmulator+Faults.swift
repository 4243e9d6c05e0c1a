import RelayCore

/// Run-time fault control of the collector (`POST /_sandbox/faults`, `GET /_sandbox/stats`), for
/// chaos runs against `ccrelay sandbox`.
extension OTLPCollectorEmulator: FaultsControllable {
    var faultKnobs: [String: String] {
        [
            "clear": "true: drop every queued fault first",
            "too_many_requests": "next N logs POSTs answer 429 with Retry-After retry_after_secs",
            "unavailable": "next N logs POSTs answer 503 with Retry-After retry_after_secs",
            "retry_after_secs": "Retry-After of too_many_requests and unavailable (default 1)",
            "bad_request": "next N logs POSTs answer 400 with a Status body",
            "drop_connection": "next N logs POSTs get the connection closed without an answer",
            "revoke_api_key": "this API key is answered 403 from now on",
        ]
    }

    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem) {
        let clear = try knobs.flag("clear")
        let retryAfter = try knobs.count("retry_after_secs") ?? 1
        var queued: [OTLPCollectorFault] = []
        for (key, fault) in [
            ("too_many_requests", OTLPCollectorFault.tooManyRequests(retryAfterSeconds: retryAfter)),
            ("unavailable", .unavailable(retryAfterSeconds: retryAfter)), ("bad_request", .badRequest),
            ("drop_connection", .dropConnection),
        ] {
            queued += Array(repeating: fault, count: try knobs.count(key) ?? 0)
        }
        let revoke = try knobs.text("revoke_api_key")
        if clear { state.withLock { $0.faults.removeAll() } }
        injectFaults(queued)
        if let revoke { revokeAPIKey(revoke) }
    }

    var adminStats: JSONValue {
        let (stats, ids, queued) = state.withLock { state in
            (state.stats, state.records.map(\.eventID), state.faults.count)
        }
        let (stored, distinct) = indexSummary(ids)
        return [
            "stored": stored, "distinct_event_ids": distinct, "requests": .number(JSONNumber(stats.requests)),
            "accepted_requests": .number(JSONNumber(stats.acceptedRequests)),
            "rejected_requests": .number(JSONNumber(stats.rejectedRequests)),
            "faults_served": .number(JSONNumber(stats.faultsServed)), "faults_queued": .number(JSONNumber(queued)),
            "partially_rejected": .number(JSONNumber(stats.partiallyRejected)),
        ]
    }
}
