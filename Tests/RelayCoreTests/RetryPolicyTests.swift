import RelayCore
import RelayTesting
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test(
        "the ceiling starts at the initial backoff, doubles per failure and stops at the cap",
        arguments: [
            (0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 32), (7, 60), (8, 60), (40, 60), (Int.max, 60),
        ] as [(Int, Int64)]
    )
    func defaultCeiling(_ failures: Int, seconds: Int64) {
        #expect(RetryPolicy().ceiling(afterFailures: failures) == .seconds(seconds))
    }

    @Test("a custom policy doubles from its own initial backoff to its own cap")
    func customCeiling() {
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(250), maxBackoff: .seconds(5))
        let ceilings = (1...8).map { policy.ceiling(afterFailures: $0) }
        #expect(
            ceilings == [
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5),
                .seconds(5), .seconds(5),
            ]
        )
    }

    @Test("the delay is drawn within [0, ceiling] and actually varies (full jitter)", arguments: [1, 2, 3, 6, 12])
    func delayWithinCeiling(_ failures: Int) {
        let policy = RetryPolicy()
        let ceiling = policy.ceiling(afterFailures: failures)
        var generator = SplitMix64(seed: UInt64(failures))
        var seen = Set<Duration>()
        for _ in 0..<2000 {
            let delay = policy.delay(afterFailures: failures, using: &generator)
            #expect(delay >= .zero && delay <= ceiling, "\(delay) outside [0, \(ceiling)]")
            seen.insert(delay)
        }
        #expect(seen.count > 100)
        // Full jitter spreads over the range, not only near the top.
        #expect(seen.contains { $0 < ceiling / 4 })
        #expect(seen.contains { $0 > ceiling * 3 / 4 })
    }

    @Test("the delay is never shorter than atLeast (a destination's Retry-After)")
    func atLeast() {
        let policy = RetryPolicy()
        var generator = SplitMix64(seed: 7)
        for _ in 0..<1000 {
            #expect(
                policy.delay(afterFailures: 1, atLeast: .milliseconds(700), using: &generator) >= .milliseconds(700))
        }
        // Above the cap, the destination's word wins.
        #expect(policy.delay(afterFailures: 10, atLeast: .seconds(120), using: &generator) == .seconds(120))
    }

    @Test("a zero backoff yields no delay")
    func zeroBackoff() {
        let policy = RetryPolicy(initialBackoff: .zero, maxBackoff: .zero)
        var generator = SplitMix64(seed: 1)
        #expect(policy.delay(afterFailures: 3, using: &generator) == .zero)
        #expect(policy.delay(afterFailures: 3, atLeast: .seconds(2), using: &generator) == .seconds(2))
    }

    @Test("defaults are the documented ones")
    func defaults() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 5)
        #expect(policy.initialBackoff == .seconds(1))
        #expect(policy.maxBackoff == .seconds(60))
    }
}
