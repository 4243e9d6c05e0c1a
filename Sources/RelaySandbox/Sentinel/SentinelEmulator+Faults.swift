import RelayCore

/// Run-time fault control of the ingestion endpoint and its token issuer (`POST /_sandbox/faults`,
/// `GET /_sandbox/stats`), for chaos runs against `ccrelay sandbox`.
extension SentinelEmulator: FaultsControllable {
    var faultKnobs: [String: String] {
        [
            "clear": "true: drop every queued fault first",
            "too_many_requests": "next N ingestion POSTs answer 429 with Retry-After retry_after_secs",
            "retry_after_secs": "Retry-After of too_many_requests (default 1)",
            "unavailable": "next N ingestion POSTs answer 503",
            "internal_error": "next N ingestion POSTs answer 500",
            "rotate_tokens": "true: every token issued so far answers 401",
            "revoke_role": "true: every ingestion POST answers 403 until restore_role",
            "restore_role": "true: the app may ingest again",
        ]
    }

    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem) {
        let clear = try knobs.flag("clear")
        let retryAfter = try knobs.count("retry_after_secs") ?? 1
        var queued = Array(
            repeating: SentinelFault.tooManyRequests(retryAfterSeconds: retryAfter),
            count: try knobs.count("too_many_requests") ?? 0)
        queued += Array(repeating: .unavailable, count: try knobs.count("unavailable") ?? 0)
        queued += Array(repeating: .internalError, count: try knobs.count("internal_error") ?? 0)
        let rotate = try knobs.flag("rotate_tokens")
        let revoke = try knobs.flag("revoke_role")
        let restore = try knobs.flag("restore_role")
        if clear { state.withLock { $0.faults.removeAll() } }
        injectFaults(queued)
        if rotate { rotateTokens() }
        if revoke { setRoleRevoked(true) }
        if restore { setRoleRevoked(false) }
    }

    var adminStats: JSONValue {
        let (stats, ids, queued) = state.withLock { state in
            (state.stats, state.rows.map { $0["EventId"]?.stringValue }, state.faults.count)
        }
        let (stored, distinct) = indexSummary(ids)
        return [
            "stored": stored, "distinct_event_ids": distinct, "requests": .number(JSONNumber(stats.requests)),
            "accepted_requests": .number(JSONNumber(stats.acceptedRequests)),
            "rejected_requests": .number(JSONNumber(stats.rejectedRequests)),
            "unauthorized": .number(JSONNumber(stats.unauthorized)),
            "tokens_issued": .number(JSONNumber(stats.tokensIssued)),
            "faults_served": .number(JSONNumber(stats.faultsServed)), "faults_queued": .number(JSONNumber(queued)),
        ]
    }
}
