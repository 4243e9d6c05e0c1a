import RelayCore
import RelayTesting
import Testing

@Suite("OutboxSignal", .timeLimit(.minutes(3)))
struct OutboxSignalTests {
    /// Starts `wait(for:)` in a task and reports when it returned.
    private struct Waiting {
        let task: Task<Void, Never>
        let returned: Flag

        init(_ signal: OutboxSignal, sink: String, until deadline: WallInstant, clock: ManualClock) {
            let returned = Flag()
            self.returned = returned
            self.task = Task {
                await signal.wait(for: sink, until: deadline, clock: clock)
                returned.set()
            }
        }

        var hasReturned: Bool { returned.isSet }
    }

    @Test("a waiter wakes when its sink is notified, long before the deadline")
    func wakesOnNotify() async {
        let clock = ManualClock()
        let signal = OutboxSignal()
        let start = clock.now
        let waiting = Waiting(signal, sink: "splunk", until: start.advanced(by: .seconds(60)), clock: clock)
        await clock.waitForSleepers(count: 1)
        // The notification may race the waiter's registration, so repeat it until the waiter returns;
        // time never moves, so only a notification can end the wait.
        while !waiting.hasReturned {
            signal.notify(sinks: ["splunk"])
            await Task.yield()
        }
        await waiting.task.value
        #expect(clock.now == start)
        // The deadline sleep was cancelled and removed, not left behind.
        #expect(clock.sleeperCount == 0)
    }

    @Test("a notification for other sinks does not wake the waiter; its deadline does")
    func ignoresOtherSinks() async {
        let clock = ManualClock()
        let signal = OutboxSignal()
        let deadline = clock.now.advanced(by: .seconds(5))
        let waiting = Waiting(signal, sink: "splunk", until: deadline, clock: clock)
        await clock.waitForSleepers(count: 1)
        for _ in 0..<200 {
            signal.notify(sinks: ["datadog", "sumo"])
            signal.notify(sinks: [])
            await Task.yield()
        }
        #expect(!waiting.hasReturned)
        #expect(clock.sleeperCount == 1)

        clock.advance(by: .seconds(5))
        await waiting.task.value
        #expect(clock.now == deadline)
    }

    @Test("one notify naming several sinks wakes each of their waiters")
    func wakesSeveral() async {
        let clock = ManualClock()
        let signal = OutboxSignal()
        let deadline = clock.now.advanced(by: .seconds(60))
        let a = Waiting(signal, sink: "a", until: deadline, clock: clock)
        let b = Waiting(signal, sink: "b", until: deadline, clock: clock)
        await clock.waitForSleepers(count: 2)
        while !(a.hasReturned && b.hasReturned) {
            signal.notify(sinks: ["a", "b", "c"])
            await Task.yield()
        }
        #expect(clock.sleeperCount == 0)
    }

    @Test("the wait returns at the deadline, not before")
    func returnsAtDeadline() async {
        let clock = ManualClock()
        let signal = OutboxSignal()
        let deadline = clock.now.advanced(by: .seconds(2))
        let waiting = Waiting(signal, sink: "splunk", until: deadline, clock: clock)
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(1999))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(1))
        await waiting.task.value
        #expect(waiting.hasReturned)
    }

    @Test("a deadline already passed returns at once without sleeping")
    func pastDeadline() async {
        let clock = ManualClock()
        let signal = OutboxSignal()
        await signal.wait(for: "splunk", until: clock.now, clock: clock)
        await signal.wait(for: "splunk", until: clock.now.advanced(by: .seconds(-1)), clock: clock)
        #expect(clock.sleeperCount == 0)
    }

    @Test("cancelling the waiting task ends the wait without a notification or the deadline")
    func cancellation() async {
        let clock = ManualClock()
        let signal = OutboxSignal()
        let waiting = Waiting(signal, sink: "splunk", until: clock.now.advanced(by: .seconds(60)), clock: clock)
        await clock.waitForSleepers(count: 1)
        waiting.task.cancel()
        await waiting.task.value
        #expect(waiting.hasReturned)
        #expect(clock.sleeperCount == 0)
    }
}
