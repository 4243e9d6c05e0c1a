import RelayCore
import RelayHTTP
import RelayTesting
import Synchronization
import Testing

@testable import RelayGenesys

/// A token endpoint stand-in: issues `Bearer t1`, `Bearer t2`, ... and counts calls; optionally
/// waits on the manual clock inside the fetch so callers can pile up behind it.
final class FakeTokenSource: Sendable {
    private let issued = Mutex(0)
    private let failures = Mutex(0)
    let expiresIn: Duration
    let clock: ManualClock
    let fetchDuration: Duration?

    init(clock: ManualClock, expiresIn: Duration = .seconds(3600), fetchDuration: Duration? = nil) {
        self.clock = clock
        self.expiresIn = expiresIn
        self.fetchDuration = fetchDuration
    }

    var count: Int { issued.withLock { $0 } }

    func failNext(_ count: Int) { failures.withLock { $0 = count } }

    func fetch() async throws(RelayError) -> AccessToken {
        if let fetchDuration {
            do { try await clock.sleep(for: fetchDuration) } catch { throw RelayError(.cancelled, "cancelled") }
        }
        let fail = failures.withLock { remaining -> Bool in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        let number = issued.withLock { count -> Int in
            count += 1
            return count
        }
        if fail { throw RelayError(.authentication, "rejected #\(number)") }
        return AccessToken(authorization: "Bearer t\(number)", expiresIn: expiresIn)
    }

    func provider() -> AccessTokenCache {
        AccessTokenCache(clock: clock) { () throws(RelayError) in try await self.fetch() }
    }
}

@Suite struct AccessTokenCacheTests {
    @Test func cachedUntilSixtySecondsBeforeExpiry() async throws {
        let clock = ManualClock()
        let source = FakeTokenSource(clock: clock, expiresIn: .seconds(3600))
        let provider = source.provider()
        #expect(try await provider.authorization() == "Bearer t1")
        clock.advance(by: .seconds(3539))
        #expect(try await provider.authorization() == "Bearer t1")
        #expect(source.count == 1)
        clock.advance(by: .seconds(1))
        #expect(try await provider.authorization() == "Bearer t2")
        #expect(try await provider.authorization() == "Bearer t2")
        #expect(source.count == 2)
        #expect(await provider.fetchCount == 2)
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = ManualClock()
        let source = FakeTokenSource(clock: clock, fetchDuration: .seconds(1))
        let provider = source.provider()
        let callers = 8
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<callers {
                group.addTask { try await provider.authorization() }
            }
            await clock.waitForSleepers(count: 1)
            while await provider.waiterCount < callers - 1 { await Task.yield() }
            clock.advance(by: .seconds(1))
            var results: [String] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(results == Array(repeating: "Bearer t1", count: callers))
        #expect(source.count == 1)
    }

    @Test func waitersSeeTheFetchErrorAndTheNextCallRetries() async throws {
        let clock = ManualClock()
        let source = FakeTokenSource(clock: clock, fetchDuration: .seconds(1))
        source.failNext(1)
        let provider = source.provider()
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 {
                group.addTask { (try? await provider.authorization()) == nil }
            }
            await clock.waitForSleepers(count: 1)
            while await provider.waiterCount < 2 { await Task.yield() }
            clock.advance(by: .seconds(1))
            var failed: [Bool] = []
            for await outcome in group { failed.append(outcome) }
            return failed
        }
        #expect(outcomes == [true, true, true])
        #expect(source.count == 1)
        async let next = provider.authorization()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        #expect(try await next == "Bearer t2")
    }

    @Test func invalidateDropsOnlyTheCachedToken() async throws {
        let clock = ManualClock()
        let source = FakeTokenSource(clock: clock)
        let provider = source.provider()
        let first = try await provider.authorization()
        await provider.invalidate("Bearer something-else")
        #expect(try await provider.authorization() == first)
        await provider.invalidate(first)
        let second = try await provider.authorization()
        #expect(second == "Bearer t2")
        // A late rejection of the old token must not discard the fresh one.
        await provider.invalidate(first)
        #expect(try await provider.authorization() == second)
        #expect(source.count == 2)
    }

    @Test func shortLivedTokensAreReusedForHalfTheirLifetime() async throws {
        let clock = ManualClock()
        let source = FakeTokenSource(clock: clock, expiresIn: .seconds(100))
        let provider = source.provider()
        _ = try await provider.authorization()
        clock.advance(by: .seconds(49))
        #expect(try await provider.authorization() == "Bearer t1")
        clock.advance(by: .seconds(1))
        #expect(try await provider.authorization() == "Bearer t2")
    }
}
