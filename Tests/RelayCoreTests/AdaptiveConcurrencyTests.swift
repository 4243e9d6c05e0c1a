import RelayCore
import RelayTesting
import Testing

@Suite("AdaptiveConcurrency")
struct AdaptiveConcurrencyTests {
    /// One round trip: takes every permit there is (at most `want`), then gives them all back
    /// `rtt` later with `response`. Returns how many were in flight.
    @discardableResult
    private static func round(
        _ limits: inout AdaptiveConcurrency, clock: ManualClock, rtt: Duration = .milliseconds(100),
        response: AdaptiveConcurrency.Response = .answered, want: Int = .max
    ) -> Int {
        let sentAt = clock.now
        var taken = 0
        while taken < want, limits.acquire() { taken += 1 }
        clock.advance(by: rtt)
        for _ in 0..<taken { limits.release(response, sentAt: sentAt, now: clock.now) }
        return taken
    }

    @Test("under flat response times the limit grows by one per round trip while requests fill it, up to the maximum")
    func growsUnderFlatRTT() {
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(maximum: 6)
        var seen: [Int] = []
        for _ in 0..<10 {
            Self.round(&limits, clock: clock)
            seen.append(limits.limit)
        }
        #expect(seen == [2, 3, 4, 5, 6, 6, 6, 6, 6, 6])
        #expect(limits.inFlight == 0)
    }

    @Test(
        "a slow first round trip (connections set up, requests held) is not averaged: later ones are judged among themselves"
    )
    func firstRoundTripNotAveraged() {
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(maximum: 64)
        Self.round(&limits, clock: clock, rtt: .seconds(5))
        // Round trips of 100 ms are flat against each other, not fast against the first 5 s: the
        // limit keeps growing one per round trip, and a later rise to 1 s counts as one.
        for _ in 0..<3 { Self.round(&limits, clock: clock) }
        #expect(limits.limit == 5)
        Self.round(&limits, clock: clock, rtt: .seconds(1))
        #expect(limits.limit == 4)
    }

    @Test("the limit does not grow while fewer requests than it allows are in flight")
    func staysWhenNotLimited() {
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(maximum: 10, initial: 4)
        for _ in 0..<10 { Self.round(&limits, clock: clock, want: 2) }
        #expect(limits.limit == 4)
    }

    @Test("429 / 503 answers shrink the limit by the decrease ratio, never below 1")
    func shrinksOnBackPressure() {
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(maximum: 32, initial: 20)
        var seen: [Int] = []
        for _ in 0..<30 {
            Self.round(&limits, clock: clock, response: .backPressure)
            seen.append(limits.limit)
        }
        #expect(Array(seen.prefix(4)) == [18, 16, 14, 12])
        #expect(seen.last == 1)
        #expect(seen.allSatisfy { $0 >= 1 })
        let permits = (0..<2).map { _ in limits.acquire() }
        #expect(permits == [true, false], "a limit of 1 admits one request")
    }

    @Test("response times rising above the average plus its deviations shrink the limit")
    func shrinksOnRisingRTT() {
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(maximum: 8, initial: 8)
        for _ in 0..<5 { Self.round(&limits, clock: clock) }
        #expect(limits.limit == 8)
        Self.round(&limits, clock: clock, rtt: .seconds(1))
        #expect(limits.limit == 7)
    }

    @Test("slightly noisy response times do not count as rising")
    func toleratesNoise() {
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(maximum: 8, initial: 8)
        for step in 0..<12 {
            Self.round(&limits, clock: clock, rtt: .milliseconds(step.isMultiple(of: 2) ? 100 : 105))
        }
        #expect(limits.limit == 8)
    }

    @Test("a pinned limit moves neither on back pressure nor on flat response times")
    func pinned() {
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(pinned: 3)
        var inFlight: [Int] = []
        for _ in 0..<5 { inFlight.append(Self.round(&limits, clock: clock, response: .backPressure)) }
        for _ in 0..<5 { inFlight.append(Self.round(&limits, clock: clock)) }
        #expect(inFlight == Array(repeating: 3, count: 10))
        #expect(limits.limit == 3)
        #expect(limits.isPinned)
    }

    @Test("a refused credential says nothing about load; unavailable answers are back pressure")
    func responses() {
        #expect(AdaptiveConcurrency.Response(.unavailable(reason: "HTTP 503", retryAfter: nil)) == .backPressure)
        #expect(AdaptiveConcurrency.Response(.credentialRejected(reason: "HTTP 403")) == .ignored)
        #expect(AdaptiveConcurrency.Response(.delivered) == .answered)
        #expect(AdaptiveConcurrency.Response(.retriable(reason: "HTTP 500", retryAfter: nil)) == .answered)
        let clock = ManualClock()
        var limits = AdaptiveConcurrency(maximum: 8, initial: 5)
        for _ in 0..<3 { Self.round(&limits, clock: clock, response: .ignored) }
        #expect(limits.limit == 5)
    }
}

@Suite("ConcurrencyLimiter: waiting for a permit")
struct ConcurrencyLimiterQueueTests {
    @Test("a freed permit goes to a queued requester before one who has not waited; leaving the queue lets others in")
    func queuedRequesterGoesFirst() {
        let limiter = ConcurrencyLimiter(batch: BatchConfiguration(concurrency: 1), recheck: .seconds(1))
        let now = WallInstant(sinceEpoch: .seconds(1_700_000_000))
        #expect(limiter.acquire())
        #expect(!limiter.acquire(), "the one permit is taken")
        limiter.joinQueue()
        limiter.release(.delivered, sentAt: now, now: now)
        #expect(!limiter.acquire(), "a newcomer waits behind the queued requester")
        #expect(limiter.acquire(queued: true))
        limiter.release(.delivered, sentAt: now, now: now)
        #expect(limiter.acquire(), "nobody queued: a newcomer gets the free permit")
        limiter.release(.delivered, sentAt: now, now: now)
        limiter.joinQueue()
        limiter.leaveQueue()
        #expect(limiter.acquire(), "a requester that left the queue holds nobody back")
    }

    @Test(
        "a worker beyond the adaptive limit waits until its deadline, or until the limit rises to admit it",
        .timeLimit(.minutes(1)))
    func workerBeyondTheLimitWaitsForItToRise() async {
        let clock = ManualClock()
        let limiter = ConcurrencyLimiter(batch: BatchConfiguration(maxConcurrency: 4), recheck: .seconds(1))
        // The limit starts at 1: workers 0 and 1 (the one preparing the next request) claim.
        #expect(limiter.admitsClaim(worker: 1))
        #expect(!limiter.admitsClaim(worker: 2))
        await limiter.waitForAdmission(worker: 1, until: clock.now.advanced(by: .seconds(3600)), clock: clock)

        async let timedOut: Void = limiter.waitForAdmission(
            worker: 2, until: clock.now.advanced(by: .seconds(1)), clock: clock)
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        await timedOut
        #expect(!limiter.admitsClaim(worker: 2))

        async let admitted: Void = limiter.waitForAdmission(
            worker: 2, until: clock.now.advanced(by: .seconds(3600)), clock: clock)
        await clock.waitForSleepers(count: 1)
        // Round trips that fill the limit, with flat response times, raise it.
        while limiter.limit < 2 {
            let sentAt = clock.now
            #expect(limiter.acquire())
            clock.advance(by: .milliseconds(100))
            limiter.release(.delivered, sentAt: sentAt, now: clock.now)
        }
        await admitted
        #expect(limiter.admitsClaim(worker: 2))
    }
}
