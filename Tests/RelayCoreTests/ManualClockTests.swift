import RelayCore
import RelayTesting
import Testing

@Suite("ManualClock", .timeLimit(.minutes(1)))
struct ManualClockTests {
    @Test("a clock starts at its given instant and moves only when advanced, never backwards")
    func moves() {
        let start = WallInstant(sinceEpoch: .seconds(1000))
        let clock = ManualClock(start: start)
        #expect(clock.now == start)
        clock.advance(by: .milliseconds(1500))
        #expect(clock.now == WallInstant(sinceEpoch: .milliseconds(1_001_500)))
        clock.advance(to: start)
        #expect(clock.now == WallInstant(sinceEpoch: .milliseconds(1_001_500)))
        #expect(ManualClock().now.timestamp.iso8601 == "2026-01-01T00:00:00.000Z")
    }

    @Test("sleepers wake only once time reaches their deadline, earliest first")
    func wakesInOrder() async throws {
        let clock = ManualClock()
        let start = clock.now
        let (woken, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for second in [3, 1, 2] {
                group.addTask {
                    try await clock.sleep(until: start.advanced(by: .seconds(second)), tolerance: nil)
                    continuation.yield(second)
                }
            }
            await clock.waitForSleepers(count: 3)
            var iterator = woken.makeAsyncIterator()

            clock.advance(by: .milliseconds(999))
            #expect(clock.sleeperCount == 3)

            clock.advance(to: start.advanced(by: .seconds(1)))  // exactly the deadline
            #expect(await iterator.next() == 1)
            #expect(clock.sleeperCount == 2)

            clock.advance(to: start.advanced(by: .milliseconds(2500)))
            #expect(await iterator.next() == 2)
            #expect(clock.sleeperCount == 1)

            clock.advance(by: .seconds(10))
            #expect(await iterator.next() == 3)
            #expect(clock.sleeperCount == 0)
            try await group.waitForAll()
        }
    }

    @Test("one advance past several deadlines wakes them all")
    func wakesAll() async throws {
        let clock = ManualClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for second in 1...5 {
                group.addTask { try await clock.sleep(for: .seconds(second)) }
            }
            await clock.waitForSleepers(count: 5)
            clock.advance(by: .seconds(5))
            #expect(clock.sleeperCount == 0)
            try await group.waitForAll()
        }
    }

    @Test("a deadline already passed returns at once", arguments: [0, -5])
    func pastDeadline(_ seconds: Int64) async throws {
        let clock = ManualClock()
        try await clock.sleep(until: clock.now.advanced(by: .seconds(seconds)), tolerance: nil)
        #expect(clock.sleeperCount == 0)
    }

    @Test("cancelling a sleeper throws CancellationError and removes it")
    func cancellation() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(for: .seconds(60)) }
        await clock.waitForSleepers(count: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
        // A later advance has nothing left to resume (a double resume would crash).
        clock.advance(by: .seconds(120))
    }

    @Test("a task cancelled before it sleeps throws instead of sleeping forever")
    func cancelledBeforeSleeping() async {
        let clock = ManualClock()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(60))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test("cancelling one sleeper leaves the others asleep")
    func cancelOne() async throws {
        let clock = ManualClock()
        let keep = Task { try await clock.sleep(for: .seconds(10)) }
        let cancel = Task { try await clock.sleep(for: .seconds(10)) }
        await clock.waitForSleepers(count: 2)
        cancel.cancel()
        await #expect(throws: CancellationError.self) { try await cancel.value }
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(10))
        try await keep.value
    }

    @Test("waitForSleepers returns once enough tasks sleep, at once when they already do")
    func waitForSleepers() async throws {
        let clock = ManualClock()
        await clock.waitForSleepers(count: 0)
        let reached = Flag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await clock.waitForSleepers(count: 2)
                reached.set()
                #expect(clock.sleeperCount >= 2)
            }
            group.addTask { try await clock.sleep(for: .seconds(1)) }
            await clock.waitForSleepers(count: 1)
            group.addTask { try await clock.sleep(for: .seconds(2)) }
            await clock.waitForSleepers(count: 2)
            // Both sleepers are registered; advance only after the watcher has seen them.
            while !reached.isSet { await Task.yield() }
            clock.advance(by: .seconds(2))
            try await group.waitForAll()
        }
        await clock.waitForSleepers(count: 0)
    }
}
