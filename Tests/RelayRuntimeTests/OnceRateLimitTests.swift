import RelayCore
import RelayRuntime
import RelaySandbox
import Testing

/// `once` against a rate-limited org: it waits out `Retry-After` within its deadline, reports a
/// source still blocked at the deadline as unfinished, and a restart honours a block still running.
@Suite("Once and rate limits")
struct OnceRateLimitTests {
    @Test("a 429 with Retry-After: 2 is waited out and the cycle delivers everything")
    func waitsOutRetryAfter() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 50)
            harness.clock.advance(by: .seconds(1))
            harness.org.rateLimitNextRequests(1, retryAfterSeconds: 2)
            let report = try await harness.runOnce(try harness.makeRuntime(), within: .seconds(300))
            #expect(report.succeeded)
            #expect(report.failedSources.isEmpty && report.unfinishedSources.isEmpty)
            #expect(report.delivered == 50)
            #expect(harness.org.stats.rateLimitedResponses == 1)
            #expect(harness.org.stats.requestsDuringRetryAfter == 0)
        }
    }

    @Test("a CXone 429 with Retry-After: 2 is waited out the same way")
    func cxoneWaitsOutRetryAfter() async throws {
        try await CXoneHarness.with { harness in
            harness.tenant.generateChanges(count: 30)
            harness.clock.advance(by: .seconds(1))
            harness.tenant.rateLimitNextRequests(1, retryAfterSeconds: 2)
            let report = try await harness.runOnce(try harness.makeRuntime())
            #expect(report.succeeded)
            #expect(report.unfinishedSources.isEmpty)
            #expect(report.delivered == 30)
        }
    }

    @Test("a rate limit outlasting the deadline leaves the source unfinished")
    func unfinishedAtDeadline() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 50)
            harness.clock.advance(by: .seconds(1))
            harness.org.rateLimitNextRequests(1, retryAfterSeconds: 120)
            let report = try await harness.runOnce(try harness.makeRuntime(), within: .seconds(60))
            #expect(!report.succeeded)
            #expect(report.unfinishedSources == ["genesys"])
            #expect(report.failedSources.isEmpty)
            #expect(report.delivered == 0)
            #expect(harness.org.stats.requestsDuringRetryAfter == 0)
        }
    }

    @Test("a restarted process over the same SQLite state sends nothing before the stored blocked-until time")
    func restartHonoursStoredBlock() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 50)
            harness.clock.advance(by: .seconds(1))
            let limitedAt = harness.clock.now
            harness.org.rateLimitNextRequests(1, retryAfterSeconds: 300)
            let firstRuntime = try harness.makeRuntime()
            let first = try await harness.runOnce(firstRuntime, within: .seconds(30))
            #expect(first.unfinishedSources == ["genesys"])
            try firstRuntime.store.close()
            let apiRequests = harness.org.stats.apiRequests
            // The platform's Retry-After is still running when the next process starts.
            try #require(harness.clock.now < limitedAt.advanced(by: .seconds(300)))

            let second = try await harness.runOnce(try harness.makeRuntime(), within: .seconds(3600))
            #expect(second.succeeded)
            #expect(second.delivered == 50)
            #expect(harness.org.stats.apiRequests > apiRequests)
            #expect(harness.org.stats.requestsDuringRetryAfter == 0)
            #expect(harness.clock.now >= limitedAt.advanced(by: .seconds(310)))
        }
    }
}
