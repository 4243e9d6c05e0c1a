import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayCXone

@Suite("CXone rate limits and transient failures")
struct CXonePacingTests {
    @Test("after a 429 nothing is sent on the access key before Retry-After + 10 s, and no record is lost")
    func noRequestBeforeTheAllowedTime() async throws {
        try await withTenant({ $0.initialLookback = .seconds(86_400) }) { tenant, source, clock in
            tenant.generateChanges(count: 25)
            tenant.generateLogins(count: 5)
            clock.advance(by: .seconds(1))
            let intake = InMemoryIntake()
            _ = try await source.client.tokens.authorization()
            tenant.rateLimitNextRequests(3, retryAfterSeconds: 3600)
            let limited = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(limited.retryAfter == .seconds(3610))
            let requestsAfterTheLimit = tenant.stats.apiRequests
            #expect(tenant.stats.rateLimitedResponses == 1)

            // Cycles started early send nothing and report the remaining wait.
            let limitedAt = clock.now
            for elapsed in [60, 1800, 3600] {
                clock.advance(to: limitedAt.advanced(by: .seconds(elapsed)))
                let early = try await source.runCycle(into: intake, logger: quietLogger)
                #expect(early.retryAfter != nil)
                #expect(tenant.stats.apiRequests == requestsAfterTheLimit)
            }
            clock.advance(by: .seconds(11))
            // The tenant still answers 429 twice more (the storm); each one blocks again, never early.
            var cycles = 0
            while await intake.events.count < 30, cycles < 10 {
                let report = try await source.runCycle(into: intake, logger: quietLogger)
                if let wait = report.retryAfter { clock.advance(by: wait) }
                cycles += 1
            }
            #expect(await intake.events.count == 30)
            #expect(tenant.stats.rateLimitedResponses == 3)
        }
    }

    @Test("502/503/504 are resent after a jittered backoff on the clock; the cycle then succeeds")
    func transientFailuresAreResent() async throws {
        try await withTenant({ $0.collectLogins = false }) { tenant, source, clock in
            tenant.generateChanges(count: 12)
            clock.advance(by: .seconds(1))
            _ = try await source.client.tokens.authorization()
            tenant.failNextRequests(2, status: 503)
            let intake = InMemoryIntake()
            let report = try await withThrowingTaskGroup(of: CycleReport?.self) { group in
                group.addTask { try await source.runCycle(into: intake, logger: quietLogger) }
                group.addTask {
                    // Lets each backoff sleep pass on the manual clock.
                    for _ in 0..<2 {
                        await clock.waitForSleepers(count: 1)
                        clock.advance(by: .seconds(30))
                    }
                    return nil
                }
                var result: CycleReport?
                for try await value in group where value != nil { result = value }
                return try #require(result)
            }
            #expect(report.accepted == 12)
            #expect(tenant.stats.transientFailureResponses == 2)
        }
    }

    @Test("a source's poll interval follows its access key's shared throttle")
    func pollIntervalFollowsTheSharedThrottle() async throws {
        try await withTenant { _, source, clock in
            #expect(source.pollInterval == source.configuration.pollInterval)
            source.client.throttle.observe(
                InboundResponse(status: 200, headers: [("X-RateLimit-Remaining", "5")], body: []))
            #expect(source.pollInterval == source.configuration.pollInterval * 2)
            _ = clock
        }
    }
}
