import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayGenesys

/// Rate-limit pacing: the pure decisions, then a source against the org emulator on a ManualClock.
@Suite struct ThrottleTests {
    let logger = Logger.quiet("ccrelay.test.throttle")
    let start = WallInstant(sinceEpoch: .seconds(1_767_225_600))

    @Test func retryAfterBlocksForTheAskedTimePlusTenSecondsAndNeverShortens() {
        var pacing = RateLimitPacing()
        pacing.rateLimited(retryAfter: .seconds(30), at: start)
        #expect(pacing.wait(at: start) == .seconds(40))
        pacing.rateLimited(retryAfter: .seconds(5), at: start.advanced(by: .seconds(1)))
        #expect(pacing.wait(at: start.advanced(by: .seconds(1))) == .seconds(39))
        #expect(pacing.wait(at: start.advanced(by: .seconds(40))) == .zero)
        #expect(pacing.throttled == .seconds(40))
    }

    @Test func lowBudgetDoublesTheFactorAndRecoveryStepsItBack() {
        var pacing = RateLimitPacing()
        pacing.observe(remaining: 100, at: start)
        #expect(pacing.factor == 1)
        pacing.observe(remaining: 19, at: start)
        #expect(pacing.factor == 2)
        pacing.observe(remaining: 5, at: start.advanced(by: .seconds(10)))
        #expect(pacing.factor == 2, "at most one change per minute")
        pacing.observe(remaining: 5, at: start.advanced(by: .seconds(61)))
        #expect(pacing.factor == 4)
        pacing.observe(remaining: 30, at: start.advanced(by: .seconds(200)))
        #expect(pacing.factor == 4, "between 20 and 40 the factor holds")
        pacing.observe(remaining: 250, at: start.advanced(by: .seconds(200)))
        #expect(pacing.factor == 2)
        pacing.observe(remaining: 250, at: start.advanced(by: .seconds(230)))
        #expect(pacing.factor == 2)
        pacing.observe(remaining: 250, at: start.advanced(by: .seconds(261)))
        #expect(pacing.factor == 1)
    }

    @Test func budgetHeadersAreReadFromGenesysOrGenericNames() {
        let genesys = InboundResponse(
            status: 200, headers: [("inin-ratelimit-count", "290"), ("inin-ratelimit-allowed", "300")], body: [])
        #expect(RateLimitPacing.remainingBudget(header: genesys.header) == 10)
        let generic = InboundResponse(status: 200, headers: [("X-RateLimit-Remaining", "7")], body: [])
        #expect(RateLimitPacing.remainingBudget(header: generic.header) == 7)
        #expect(
            RateLimitPacing.remainingBudget(header: InboundResponse(status: 200, headers: [], body: []).header) == nil)
    }

    @Test func oneThrottlePerCredential() {
        let registry = CredentialThrottleRegistry()
        let clock = ManualClock()
        let endpoints = GenesysEndpoints(baseURL: "http://127.0.0.1:1")
        let first = registry.throttle(endpoints: endpoints, clientID: "a", clock: clock, logger: logger)
        #expect(first === registry.throttle(endpoints: endpoints, clientID: "a", clock: clock, logger: logger))
        #expect(first !== registry.throttle(endpoints: endpoints, clientID: "b", clock: clock, logger: logger))
    }

    func source(_ baseURL: String, clock: ManualClock, throttle: CredentialThrottle? = nil, name: String = "genesys")
        throws
        -> GenesysAuditSource
    {
        let org = GenesysOrgConfiguration()
        return try GenesysAuditSource(
            configuration: GenesysAuditSourceConfiguration(
                name: name, baseURL: baseURL, clientID: org.clientID, clientSecret: org.clientSecret,
                services: ["Routing"], pollInterval: .seconds(60), pageSize: 10
            ),
            transport: HTTPTransport(), clock: clock, throttle: throttle
        )
    }

    @Test func a429StormCostsNoRecordAndNoRequestBeforeTheAllowedTime() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: clock)
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let registry = CredentialThrottleRegistry()
            let throttle = registry.throttle(
                endpoints: GenesysEndpoints(baseURL: url), clientID: "sandbox-client", clock: clock, logger: logger)
            let first = try source(url, clock: clock, throttle: throttle, name: "first")
            let second = try source(url, clock: clock, throttle: throttle, name: "second")
            let intake = InMemoryIntake()
            let ids = org.generate(count: 25)
            org.rateLimitNextRequests(3, retryAfterSeconds: 30)
            let report = try await first.runCycle(into: intake, logger: logger)
            #expect(report.retryAfter == .seconds(40))
            let requestsAtLimit = org.stats.apiRequests
            // The other poller of the credential sends nothing while it is blocked, at any point before the allowed time.
            for _ in 0..<4 {
                clock.advance(by: .seconds(9))
                let paused = try await second.runCycle(into: intake, logger: logger)
                #expect(paused.retryAfter != nil)
                #expect(try await first.runCycle(into: intake, logger: logger).retryAfter != nil)
            }
            #expect(org.stats.apiRequests == requestsAtLimit)
            clock.advance(by: .seconds(4))
            // 40 s later the block is over; two more storms follow, each honoured the same way.
            for _ in 0..<2 {
                let next = try await first.runCycle(into: intake, logger: logger)
                #expect(next.retryAfter == .seconds(40))
                clock.advance(by: .seconds(40))
            }
            let done = try await first.runCycle(into: intake, logger: logger)
            #expect(done.retryAfter == nil)
            #expect(await intake.eventIDs.count == ids.count)
            #expect(org.stats.rateLimitedResponses == 3)
            #expect(org.stats.requestsDuringRetryAfter == 0)
            #expect(throttle.throttled == .seconds(120))
        }
    }

    @Test func aDailyLimitIsHonouredForHoursNotRetriedEarly() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: clock)
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock)
            let intake = InMemoryIntake()
            org.generate(count: 3)
            org.exhaustDailyLimit(retryAfterSeconds: 5 * 3600)
            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(report.retryAfter == .seconds(5 * 3600 + 10))
            let requests = org.stats.apiRequests
            for _ in 0..<5 {
                clock.advance(by: .seconds(3600))
                _ = try await source.runCycle(into: intake, logger: logger)
            }
            #expect(org.stats.apiRequests == requests, "nothing sent during the five hours")
            clock.advance(by: .seconds(10))
            #expect(try await source.runCycle(into: intake, logger: logger).retryAfter == nil)
            #expect(await intake.eventIDs.count == 3)
            #expect(org.stats.requestsDuringRetryAfter == 0)
        }
    }

    @Test func thePollIntervalDoublesUnderLowBudgetAndRecovers() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, rateLimitPerMinute: 45, historyPerService: 0),
            clock: clock
        )
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock)
            #expect(source.pollInterval == .seconds(60))
            for _ in 0..<25 { _ = try await source.client.request("GET", "/api/v2/audits/query/servicemapping") }
            #expect(source.pollInterval == .seconds(60), "20 requests left")
            _ = try await source.client.request("GET", "/api/v2/audits/query/servicemapping")
            #expect(source.pollInterval == .seconds(120), "19 left: doubled")
            clock.advance(by: .seconds(61))
            _ = try await source.runCycle(into: InMemoryIntake(), logger: logger)
            #expect(source.pollInterval == .seconds(60), "a fresh window's budget: back to the configured interval")
        }
    }

    @Test func transientStatusesAreRetriedWithBackoffOnTheClock() async throws {
        let clock = ManualClock()
        let http = FakeHTTP { request, index in
            if request.url.hasSuffix("/oauth/token") {
                return jsonResponse(200, #"{"access_token":"t","token_type":"bearer","expires_in":3600}"#)
            }
            return index < 3 ? jsonResponse(503, #"{"message":"busy"}"#) : jsonResponse(200, #"{"services":[]}"#)
        }
        let endpoints = GenesysEndpoints(baseURL: "http://genesys.test")
        let token = GenesysTokenEndpoint(endpoints: endpoints, clientID: "c", clientSecret: "s", send: http.send)
        let tokens = AccessTokenCache(clock: clock) { () throws(RelayError) in try await token.fetch() }
        let client = GenesysAPIClient(endpoints: endpoints, tokens: tokens, clock: clock, send: http.send)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await client.request("GET", "/api/v2/audits/query/servicemapping") }
            group.addTask {
                for _ in 0..<2 {
                    await clock.waitForSleepers(count: 1)
                    clock.advance(by: .seconds(30))
                }
            }
            try await group.waitForAll()
        }
        #expect(http.sent.filter { $0.url.hasSuffix("servicemapping") }.count == 3)
    }
}
