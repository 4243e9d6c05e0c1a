import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// The default org behaves as the platform does: it enforces its rate limit and the realtime
/// query's 14-day retention; lenient orgs are an explicit opt-out.
@Suite struct GenesysStrictDefaultsTests {
    func realtimeBody(_ interval: String) -> JSONValue {
        ["interval": .string(interval), "serviceName": "Routing", "pageSize": 10]
    }

    @Test func aRealtimeIntervalReachingPastFourteenDaysIsABadRequest() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(clock: clock)
        let now = clock.now
        let inside = now.advanced(by: .seconds(-13 * 86_400)).timestamp.iso8601 + "/" + now.timestamp.iso8601
        let outside = now.advanced(by: .seconds(-15 * 86_400)).timestamp.iso8601 + "/" + now.timestamp.iso8601
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            #expect(try await session.realtime(token: token, realtimeBody(inside)).status == 200)
            let refused = try await session.realtime(token: token, realtimeBody(outside))
            #expect(refused.status == 400)
            #expect(refused.json?["code"]?.stringValue == "bad.request")
            #expect(refused.json?["message"]?.stringValue?.contains("asynchronous") == true)
        }
        let lenient = GenesysOrgEmulator(configuration: .init(realtimeRetention: nil), clock: clock)
        try await Sandbox.withRunning(genesys: lenient, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            #expect(try await session.realtime(token: token, realtimeBody(outside)).status == 200)
        }
    }

    @Test func theDefaultBudgetIsEnforced() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(clock: clock)
        let budget = org.configuration.rateLimitPerMinute
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            for _ in 0..<budget { #expect(try await session.serviceMapping(token: token).status == 200) }
            let refused = try await session.serviceMapping(token: token)
            #expect(refused.status == 429)
            #expect(refused.headers["Retry-After"].first == "60")
        }
    }
}
