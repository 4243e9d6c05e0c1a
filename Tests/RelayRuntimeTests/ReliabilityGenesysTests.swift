import Foundation
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// Platform-side faults while the real binary pulls a Genesys org into HEC (issue 8): a 429 storm,
/// a daily limit with a long `Retry-After` (shortened scale), a token revoked mid-cycle.
@Suite("Reliability: Genesys rate limits and tokens", .tags(.reliability))
struct ReliabilityGenesysTests {
    static let services = ["Routing", "Directory", "Presence"]

    /// Runs `ccrelay run` pulling `org` into `hec` while `body` runs; SIGTERM after it (exit 0 expected).
    static func withPipeline<T: Sendable>(
        org: GenesysOrgEmulator, hec: SplunkHECEmulator, pageSize: Int = 100, label: String,
        _ body: @Sendable (RelayProcess) async throws -> T
    ) async throws -> T {
        let scratch = try ScratchDirectory(label)
        defer { scratch.remove() }
        return try await Sandbox.withRunning(genesys: org, hec: hec, logger: .reliability) { endpoints in
            let config = try scratch.write(
                "ccrelay.yaml",
                """
                state: {sqlite: {path: \(scratch.path)/state.sqlite}}
                server: {listen: 127.0.0.1:0, admin_listen: 127.0.0.1:0}
                sources:
                  genesys: {type: genesys_audit, base_url: "\(endpoints.genesysURL)", client_id: \(org.configuration.clientID), client_secret: "${SECRET}", services: [\(services.joined(separator: ", "))], poll_interval_secs: 1, page_size: \(pageSize)}
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(endpoints.hecURL)", token: "${HEC_TOKEN}", batch: {max_events: 100, timeout_secs: 0.05}}
                """)
            let relay = try RelayProcess(
                config: config, logPath: scratch.path + "/ccrelay.log", environment: reliabilitySecrets(org))
            defer { if relay.isRunning { relay.kill() } }
            let result = try await body(relay)
            let status = relay.terminate()
            #expect(status == 0, "ccrelay exited \(status): \(relay.logTail())")
            return result
        }
    }

    static func org() -> GenesysOrgEmulator {
        GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: services, latePersistence: .zero ... .zero, historyPerService: 0),
            clock: SystemClock())
    }

    static func indexed(_ hec: SplunkHECEmulator) -> [String] {
        hec.events.compactMap { $0.fields["event_id"]?.stringValue }
    }

    /// Waits for the org's 429 number `ordinal` (1-based) and then for the next API request; returns
    /// the seconds between them.
    static func gapAfterRateLimit(_ org: GenesysOrgEmulator, ordinal: Int, limit: Duration) async throws -> Double {
        let clock = ContinuousClock()
        try await eventually("429 number \(ordinal)", limit: limit) { org.stats.rateLimitedResponses >= ordinal }
        let limited = clock.now
        let requests = org.stats.apiRequests
        try await eventually("the request after the 429", limit: limit) { org.stats.apiRequests > requests }
        let (seconds, atto) = limited.duration(to: clock.now).components
        return Double(seconds) + Double(atto) / 1e18
    }

    @Test("429 storm: nothing sent before Retry-After + 10 s, missing 0", .timeLimit(.minutes(4)))
    func rateLimitStorm() async throws {
        let storm = ReliabilityScale.current.pick(2, 6)
        let org = Self.org()
        let hec = SplunkHECEmulator()
        org.generate(count: 300)
        let gaps = try await Self.withPipeline(org: org, hec: hec, label: "storm") { relay in
            try await eventually("the first records indexed", while: relay) { hec.events.count >= 100 }
            org.rateLimitNextRequests(storm, retryAfterSeconds: 1)
            org.generate(count: 300)
            var gaps: [Double] = []
            for ordinal in 1...storm {
                gaps.append(try await Self.gapAfterRateLimit(org, ordinal: ordinal, limit: .seconds(60)))
            }
            let expected = pulledEventIDs(org.generatedIDs)
            try await eventually("every record indexed", limit: .seconds(60), while: relay) {
                IndexCount(expected: expected, indexed: Self.indexed(hec)).missing == 0
            }
            return gaps
        }
        let count = IndexCount(expected: pulledEventIDs(org.generatedIDs), indexed: Self.indexed(hec))
        let stats = org.stats
        ReliabilityReport.line(
            "genesys-429-storm",
            [
                "records": org.generatedIDs.count, "429s": stats.rateLimitedResponses,
                "min_gap_after_429_s": String(format: "%.2f", gaps.min() ?? 0), "retry_after_s": 1,
                "requests_during_retry_after": stats.requestsDuringRetryAfter, "missing": count.missing,
                "duplicates": count.duplicates,
            ])
        #expect(stats.rateLimitedResponses == storm)
        #expect(stats.requestsDuringRetryAfter == 0)
        // Retry-After (1 s) plus the 10 s safety margin, measured from when the test saw the 429.
        #expect((gaps.min() ?? 0) >= 10.9, "gaps \(gaps)")
        #expect(count.missing == 0 && count.duplicates == 0, "\(count)")
    }

    @Test(
        "daily limit (Retry-After shortened from 3600 s): no request before it ends, missing 0",
        .timeLimit(.minutes(10)))
    func dailyLimit() async throws {
        let retryAfter = ReliabilityScale.current.pick(2, 300)
        let org = Self.org()
        let hec = SplunkHECEmulator()
        org.generate(count: 300)
        let gap = try await Self.withPipeline(org: org, hec: hec, label: "daily") { relay in
            try await eventually("the first records indexed", while: relay) { hec.events.count >= 100 }
            org.exhaustDailyLimit(retryAfterSeconds: retryAfter)
            org.generate(count: 300)
            let gap = try await Self.gapAfterRateLimit(org, ordinal: 1, limit: .seconds(retryAfter + 60))
            let expected = pulledEventIDs(org.generatedIDs)
            try await eventually("every record indexed", limit: .seconds(60), while: relay) {
                IndexCount(expected: expected, indexed: Self.indexed(hec)).missing == 0
            }
            return gap
        }
        let count = IndexCount(expected: pulledEventIDs(org.generatedIDs), indexed: Self.indexed(hec))
        let stats = org.stats
        ReliabilityReport.line(
            "genesys-daily-limit",
            [
                "records": org.generatedIDs.count, "retry_after_s": retryAfter, "429s": stats.rateLimitedResponses,
                "gap_after_429_s": String(format: "%.2f", gap),
                "requests_during_retry_after": stats.requestsDuringRetryAfter, "missing": count.missing,
                "duplicates": count.duplicates,
            ])
        #expect(stats.rateLimitedResponses == 1)
        #expect(stats.requestsDuringRetryAfter == 0)
        #expect(gap >= Double(retryAfter + 10) - 0.1)
        #expect(count.missing == 0 && count.duplicates == 0, "\(count)")
    }

    @Test("token revoked mid-cycle: one request with the dead token, one refresh, missing 0", .timeLimit(.minutes(2)))
    func tokenRevokedMidCycle() async throws {
        let org = Self.org()
        let hec = SplunkHECEmulator()
        org.generate(count: 900)
        let revokedAt = try await Self.withPipeline(org: org, hec: hec, pageSize: 25, label: "token") { relay in
            // Mid-cycle: the first cycle pages through 36 pages; revoke after the fourth.
            try await eventually("a few pages served", while: relay) { org.stats.realtimeQueries >= 4 }
            let revokedAt = org.stats.realtimeQueries
            org.expireAllTokens()
            let expected = pulledEventIDs(org.generatedIDs)
            try await eventually("every record indexed", limit: .seconds(60), while: relay) {
                IndexCount(expected: expected, indexed: Self.indexed(hec)).missing == 0
            }
            return revokedAt
        }
        let count = IndexCount(expected: pulledEventIDs(org.generatedIDs), indexed: Self.indexed(hec))
        let stats = org.stats
        ReliabilityReport.line(
            "genesys-token-revoked",
            [
                "records": org.generatedIDs.count, "revoked_after_pages": revokedAt,
                "requests_with_dead_token": stats.unauthorizedResponses, "token_requests": stats.tokenRequests,
                "missing": count.missing, "duplicates": count.duplicates,
            ])
        #expect(stats.unauthorizedResponses <= 1)
        #expect(stats.tokenRequests == 2)
        #expect(count.missing == 0 && count.duplicates == 0, "\(count)")
    }
}
