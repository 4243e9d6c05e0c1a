import Logging
import RelayCore
import RelayHTTP
import RelayTesting
import Synchronization
import Testing

/// A credential's blocked-until instant kept in a key-value store across throttles (processes).
@Suite struct StoredRateLimitTests {
    let logger = Logger.quiet("ccrelay.test.stored-rate-limit")

    /// The key-value part of a state store, in memory.
    final class MemoryValues: KeyValueStore {
        let values = Mutex<[String: String]>([:])
        func value(forKey key: String) async throws -> String? { values.withLock { $0[key] } }
        func setValue(_ value: String, forKey key: String) async throws { values.withLock { $0[key] = value } }
    }

    /// A store whose reads take a second on the test's clock.
    final class SlowValues: KeyValueStore {
        let clock: ManualClock
        let values: [String: String]
        init(clock: ManualClock, values: [String: String]) {
            self.clock = clock
            self.values = values
        }
        func value(forKey key: String) async throws -> String? {
            try await clock.sleep(until: clock.now.advanced(by: .seconds(1)), tolerance: nil)
            return values[key]
        }
        func setValue(_ value: String, forKey key: String) async throws {}
    }

    /// Requests sent and refused by concurrent senders.
    final class Counts: Sendable {
        let sent = Mutex(0)
        let refused = Mutex(0)
    }

    @Test func sendersArrivingDuringTheStoreReadWaitForIt() async throws {
        let clock = ManualClock()
        let blockedUntil = clock.now.advanced(by: .seconds(30)).timestamp.millisecondsSinceEpoch
        let store = SlowValues(clock: clock, values: ["ratelimit.blocked_until.client@org": String(blockedUntil)])
        let throttle = CredentialThrottle(credential: "client@org", clock: clock, store: store, logger: logger)
        let counts = Counts()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        _ = try await PacedSending(throttle: throttle, clock: clock).send(label: "GET /x") {
                            () throws(RelayError) in
                            counts.sent.withLock { $0 += 1 }
                            return InboundResponse(status: 200, headers: [], body: [])
                        }
                    } catch {
                        counts.refused.withLock { $0 += 1 }
                    }
                }
            }
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(1))
        }
        #expect(counts.sent.withLock { $0 } == 0)
        #expect(counts.refused.withLock { $0 } == 4)
        #expect(throttle.pendingWait() == .seconds(29))
    }

    @Test func aRestoredBlockIsAdoptedOnlyWhenItEndsLater() {
        let start = WallInstant(sinceEpoch: .seconds(1_767_225_600))
        var pacing = RateLimitPacing()
        pacing.restoreBlock(until: start.advanced(by: .seconds(-5)), at: start)
        #expect(pacing.blockedUntil == nil, "a block that already ended is ignored")
        pacing.rateLimited(retryAfter: .seconds(20), at: start)
        pacing.restoreBlock(until: start.advanced(by: .seconds(10)), at: start)
        #expect(pacing.wait(at: start) == .seconds(30), "an earlier end never shortens the block")
        pacing.restoreBlock(until: start.advanced(by: .seconds(45)), at: start)
        #expect(pacing.wait(at: start) == .seconds(45))
        #expect(pacing.throttled == .seconds(45))
    }

    @Test func aSecondThrottleOverTheSameStoreWaitsForTheFirstOnesBlock() async throws {
        let clock = ManualClock()
        let store = MemoryValues()
        let first = CredentialThrottle(credential: "client@org", clock: clock, store: store, logger: logger)
        let limited = InboundResponse(status: 429, headers: [("Retry-After", "2")], body: [])
        let sent = Mutex(0)
        let sending = PacedSending(throttle: first, clock: clock)
        await #expect(throws: RelayError.self) {
            try await sending.send(label: "GET /x") { () throws(RelayError) in
                sent.withLock { $0 += 1 }
                return limited
            }
        }
        #expect(store.values.withLock { $0[first.blockedUntilKey] } != nil)

        // A new process: its throttle knows nothing until it reads the store before its first send.
        let second = CredentialThrottle(credential: "client@org", clock: clock, store: store, logger: logger)
        #expect(second.pendingWait() == .zero)
        let ok = InboundResponse(status: 200, headers: [], body: [])
        await #expect(throws: RelayError.self) {
            try await PacedSending(throttle: second, clock: clock).send(label: "GET /x") { () throws(RelayError) in
                sent.withLock { $0 += 1 }
                return ok
            }
        }
        #expect(sent.withLock { $0 } == 1, "nothing is sent while the stored block runs")
        #expect(second.pendingWait() == .seconds(12))

        clock.advance(by: .seconds(12))
        let response = try await PacedSending(throttle: second, clock: clock).send(label: "GET /x") {
            () throws(RelayError) in
            sent.withLock { $0 += 1 }
            return ok
        }
        #expect(response.status == 200)
        #expect(sent.withLock { $0 } == 2)
    }
}
