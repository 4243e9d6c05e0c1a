import RelayCore

// The fault knobs of each emulator's `POST /_sandbox/faults` (see ``FaultsControllable``). Counted
// faults are queued behind those already queued and consumed one per request; `clear: true` first
// empties the queue (ending an outage started with a large count).

extension SplunkHECEmulator: FaultsControllable {
    var faultKnobs: [String: String] {
        [
            "clear": "true: drop every queued fault first",
            "busy": "next N event POSTs answer 503 code 9",
            "internal_error": "next N event POSTs answer 500 code 8",
            "unhealthy": "next N event POSTs answer 503 code 18",
            "drop_connection": "next N event POSTs get the connection closed without an answer",
            "lose_acks": "next N ackIds never read true",
            "revoke_token": "this token is answered 403 code 4 from now on",
            "restore_token": "this token is accepted again",
        ]
    }

    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem) {
        let clear = try knobs.flag("clear")
        var queued: [HECFault] = []
        for (key, fault) in [
            ("busy", HECFault.busy), ("internal_error", .internalError), ("unhealthy", .unhealthy),
            ("drop_connection", .dropConnection),
        ] {
            queued += Array(repeating: fault, count: try knobs.count(key) ?? 0)
        }
        let lose = try knobs.count("lose_acks") ?? 0
        let revoke = try knobs.text("revoke_token")
        let restore = try knobs.text("restore_token")
        if clear { state.withLock { $0.faults.removeAll() } }
        injectFaults(queued)
        if lose > 0 { loseAcks(lose) }
        if let revoke { revokeToken(revoke) }
        if let restore { restoreToken(restore) }
    }

    var adminStats: JSONValue {
        let (stats, ids, queued) = state.withLock { state in
            (state.stats, state.events.map { $0.fields["event_id"]?.stringValue }, state.faults.count)
        }
        let (stored, distinct) = indexSummary(ids)
        return [
            "stored": stored, "distinct_event_ids": distinct, "requests": .number(JSONNumber(stats.requests)),
            "accepted_batches": .number(JSONNumber(stats.acceptedBatches)),
            "rejected_batches": .number(JSONNumber(stats.rejectedBatches)),
            "faults_served": .number(JSONNumber(stats.faultsServed)), "faults_queued": .number(JSONNumber(queued)),
            "ack_queries": .number(JSONNumber(stats.ackQueries)), "acks_issued": .number(JSONNumber(stats.acksIssued)),
        ]
    }
}

extension DatadogIntakeEmulator: FaultsControllable {
    var faultKnobs: [String: String] {
        [
            "clear": "true: drop every queued fault first",
            "too_many_requests": "next N logs POSTs answer 429 with Retry-After retry_after_secs",
            "retry_after_secs": "Retry-After of too_many_requests (default 1)",
            "internal_error": "next N logs POSTs answer 500",
            "unavailable": "next N logs POSTs answer 503",
            "drop_connection": "next N logs POSTs get the connection closed without an answer",
            "revoke_api_key": "this API key is answered 403 from now on",
        ]
    }

    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem) {
        let clear = try knobs.flag("clear")
        let retryAfter = try knobs.count("retry_after_secs") ?? 1
        var queued = Array(
            repeating: DatadogFault.tooManyRequests(retryAfterSeconds: retryAfter),
            count: try knobs.count("too_many_requests") ?? 0)
        for (key, fault) in [
            ("internal_error", DatadogFault.internalError), ("unavailable", .unavailable),
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
            (state.stats, state.logs.map(\.eventID), state.faults.count)
        }
        let (stored, distinct) = indexSummary(ids)
        return [
            "stored": stored, "distinct_event_ids": distinct, "requests": .number(JSONNumber(stats.requests)),
            "accepted_requests": .number(JSONNumber(stats.acceptedRequests)),
            "rejected_requests": .number(JSONNumber(stats.rejectedRequests)),
            "faults_served": .number(JSONNumber(stats.faultsServed)), "faults_queued": .number(JSONNumber(queued)),
            "dropped_for_age": .number(JSONNumber(stats.droppedForAge)),
        ]
    }
}

extension SumoLogicEmulator: FaultsControllable {
    var faultKnobs: [String: String] {
        [
            "clear": "true: drop every queued fault first",
            "throttled": "next N POSTs answer 429 with Retry-After retry_after_secs",
            "retry_after_secs": "Retry-After of throttled (default 1)",
            "unavailable": "next N POSTs answer 503",
            "drop_connection": "next N POSTs get the connection closed without an answer",
        ]
    }

    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem) {
        let clear = try knobs.flag("clear")
        let retryAfter = try knobs.count("retry_after_secs") ?? 1
        var queued = Array(
            repeating: SumoFault.throttled(retryAfterSeconds: retryAfter), count: try knobs.count("throttled") ?? 0)
        queued += Array(repeating: .unavailable, count: try knobs.count("unavailable") ?? 0)
        queued += Array(repeating: .dropConnection, count: try knobs.count("drop_connection") ?? 0)
        if clear { state.withLock { $0.faults.removeAll() } }
        injectFaults(queued)
    }

    var adminStats: JSONValue {
        let (stats, lines, queued) = state.withLock { state in (state.stats, state.lines, state.faults.count) }
        let (stored, distinct) = indexSummary(lines.map(\.eventID))
        return [
            "stored": stored, "distinct_event_ids": distinct, "requests": .number(JSONNumber(stats.requests)),
            "accepted_requests": .number(JSONNumber(stats.acceptedRequests)),
            "rejected_requests": .number(JSONNumber(stats.rejectedRequests)),
            "faults_served": .number(JSONNumber(stats.faultsServed)), "faults_queued": .number(JSONNumber(queued)),
        ]
    }
}

extension GenesysOrgEmulator: FaultsControllable {
    var faultKnobs: [String: String] {
        [
            "rate_limit_requests": "next N API requests answer 429 with Retry-After retry_after_secs",
            "retry_after_secs": "Retry-After of rate_limit_requests (default 60)",
            "daily_limit_secs": "every API request answers 429 (daily limit) until this many seconds have passed",
            "expire_tokens": "true: every token issued so far answers 401",
            "bad_gateway": "next N API requests answer 502",
            "service_unavailable": "next N API requests answer 503",
            "gateway_timeout": "next N API requests answer 504",
        ]
    }

    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem) {
        let limited = try knobs.count("rate_limit_requests")
        let retryAfter = try knobs.count("retry_after_secs") ?? 60
        let daily = try knobs.count("daily_limit_secs")
        let expire = try knobs.flag("expire_tokens")
        if let limited { rateLimitNextRequests(limited, retryAfterSeconds: retryAfter) }
        if let daily { exhaustDailyLimit(retryAfterSeconds: daily) }
        var transient: [(count: Int, status: Int)] = []
        for (key, status) in [("bad_gateway", 502), ("service_unavailable", 503), ("gateway_timeout", 504)] {
            if let count = try knobs.count(key) { transient.append((count, status)) }
        }
        if expire { expireAllTokens() }
        for fault in transient { failNextRequests(fault.count, status: fault.status) }
    }

    var adminStats: JSONValue {
        let (stats, generated) = state.withLock { ($0.stats, $0.generatedIDs.count) }
        return [
            "generated": .number(JSONNumber(generated)), "token_requests": .number(JSONNumber(stats.tokenRequests)),
            "api_requests": .number(JSONNumber(stats.apiRequests)),
            "unauthorized_responses": .number(JSONNumber(stats.unauthorizedResponses)),
            "rate_limited_responses": .number(JSONNumber(stats.rateLimitedResponses)),
            "requests_during_retry_after": .number(JSONNumber(stats.requestsDuringRetryAfter)),
            "realtime_queries": .number(JSONNumber(stats.realtimeQueries)),
            "transient_failures": .number(JSONNumber(stats.transientFailures)),
        ]
    }
}
