import Testing

@testable import RelayCore

/// Always draws the same number. Through the standard library's bounded draw, 1 gives no jitter (the
/// delay is the `Retry-After` floor, or zero) and `UInt64.max` the full backoff ceiling (0 would make
/// the draw reject it forever).
private struct FixedGenerator: RandomNumberGenerator {
    let value: UInt64
    mutating func next() -> UInt64 { value }
}

private typealias Machine = DeliveryStateMachine<FixedGenerator>

private let now = WallInstant(sinceEpoch: .seconds(1_000))
private let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .seconds(1), maxBackoff: .seconds(8))

private func entries(_ ids: ClosedRange<Int64>) -> [OutboxEntry] {
    ids.map {
        OutboxEntry(
            id: $0, eventID: "e\($0)", timestamp: Timestamp(millisecondsSinceEpoch: 0), platform: .genesys,
            payload: Array("\($0)".utf8), enqueuedAt: Timestamp(millisecondsSinceEpoch: 0))
    }
}

private func machine(_ ids: ClosedRange<Int64> = 1...4, deadline: WallInstant? = nil, jitter: UInt64 = .max) -> Machine
{
    Machine(entries: entries(ids), policy: policy, deadline: deadline, generator: FixedGenerator(value: jitter))
}

private func retryOf(_ step: Machine.Step) -> Machine.Retry? {
    if case .retry(let retry) = step { return retry }
    return nil
}

@Suite("DeliveryStateMachine")
struct DeliveryStateMachineTests {
    @Test("a delivered batch is acknowledged whole and opens the gate")
    func delivered() {
        var delivery = machine()
        #expect(
            delivery.received(.delivered, now: now)
                == Machine.Action(opensGate: true, step: .acknowledge(entries(1...4))))
    }

    @Test("a batch awaiting acknowledgement is tracked under its token")
    func awaitingAcknowledgement() {
        var delivery = machine()
        let token = AckToken(group: 1, id: 7)
        #expect(
            delivery.received(.awaitingAcknowledgement(token), now: now)
                == Machine.Action(opensGate: true, step: .awaitAcknowledgement(token, entries(1...4))))
    }

    @Test("a rejected batch is dead-lettered with the attempts it took")
    func rejected() {
        var delivery = machine()
        _ = delivery.received(.retriable(reason: "500", retryAfter: nil), now: now)
        #expect(
            delivery.received(.rejected(reason: "400 bad"), now: now).step
                == .deadLetter(Machine.DeadLetters(entries: entries(1...4), reason: "400 bad", attempts: 2)))
    }

    @Test("a poisoned single entry is dead-lettered, with or without an index")
    func poisonedSingleEntry() {
        for index in [nil, 0] as [Int?] {
            var delivery = machine(1...1)
            #expect(
                delivery.received(.poisoned(index: index, reason: "bad event"), now: now).step
                    == .deadLetter(Machine.DeadLetters(entries: entries(1...1), reason: "bad event", attempts: 1)))
        }
    }

    @Test("a poisoned entry at a known index is dropped, those before it delivered, those after it sent again at once")
    func poisonedAtIndex() {
        var delivery = machine()
        let action = delivery.received(.poisoned(index: 2, reason: "bad event"), now: now)
        #expect(
            action
                == Machine.Action(
                    opensGate: true,
                    step: .dropPoisoned(
                        delivered: entries(1...2), awaiting: nil,
                        Machine.DeadLetters(entries: entries(3...3), reason: "bad event", attempts: 1)))
        )
        #expect(delivery.entries.map(\.id) == [4])
        #expect(delivery.attemptFailures == 0)
    }

    @Test("a poisoned last entry leaves nothing to resend")
    func poisonedLastEntry() {
        var delivery = machine(1...3)
        #expect(
            delivery.received(.poisoned(index: 2, reason: "bad event"), now: now).step
                == .dropPoisoned(
                    delivered: entries(1...2), awaiting: nil,
                    Machine.DeadLetters(entries: entries(3...3), reason: "bad event", attempts: 1)))
        #expect(delivery.entries.isEmpty)
    }

    @Test(
        "with an acknowledgement token, the events before the poisoned one await it; a first-entry poison has none to await"
    )
    func poisonedWithAcknowledgement() {
        let token = AckToken(group: 0, id: 7)
        var delivery = machine(1...4)
        #expect(
            delivery.received(.poisoned(index: 1, reason: "bad", acknowledgement: token), now: now).step
                == .dropPoisoned(
                    delivered: entries(1...1), awaiting: token,
                    Machine.DeadLetters(entries: entries(2...2), reason: "bad", attempts: 1)))
        #expect(
            delivery.received(.poisoned(index: 0, reason: "bad", acknowledgement: token), now: now).step
                == .dropPoisoned(
                    delivered: [], awaiting: nil,
                    Machine.DeadLetters(entries: entries(3...3), reason: "bad", attempts: 1)))
        #expect(delivery.entries.map(\.id) == [4])
    }

    @Test("a poisoned batch without a usable index is bisected", arguments: [nil, 9, -1] as [Int?])
    func poisonedBisects(_ index: Int?) {
        var delivery = machine(1...5)
        #expect(
            delivery.received(.poisoned(index: index, reason: "bad"), now: now).step
                == .bisect(entries(1...2), entries(3...5)))
    }

    @Test("a refused credential closes the gate and backs off without using up attempts")
    func credentialRejected() {
        var delivery = machine()
        let expectedDelays: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)]
        for delay in expectedDelays {
            let action = delivery.received(.credentialRejected(reason: "403"), now: now)
            #expect(!action.opensGate)
            #expect(
                retryOf(action.step)
                    == Machine.Retry(
                        credentialRejected: "403", failedAttempt: "403", delay: delay, wakeAt: now.advanced(by: delay),
                        closesGate: true, log: nil, givesBack: false))
        }
        #expect(delivery.attemptFailures == 0)
        #expect(delivery.credentialFailures == 5)
    }

    @Test("an outage closes the gate, never dead-letters, and logs its first failure and every tenth")
    func unavailable() throws {
        var delivery = machine()
        var logged: [Int] = []
        for failure in 1...20 {
            let action = delivery.received(.unavailable(reason: "503", retryAfter: nil), now: now)
            #expect(!action.opensGate)
            let retry = try #require(retryOf(action.step))
            #expect(retry.closesGate && retry.credentialRejected == nil && retry.failedAttempt == "503")
            #expect(retry.delay == policy.ceiling(afterFailures: failure))
            if case .outage(let reason, let failures, let delay) = retry.log {
                #expect(reason == "503" && delay == retry.delay)
                logged.append(failures)
            }
        }
        #expect(logged == [1, 10, 20])
        #expect(delivery.attemptFailures == 0)
    }

    @Test("an outage's Retry-After is the least delay")
    func unavailableRetryAfter() {
        var delivery = machine(jitter: 1)
        let step = delivery.received(.unavailable(reason: "429", retryAfter: .seconds(30)), now: now).step
        #expect(retryOf(step)?.delay == .seconds(30))
        #expect(retryOf(step)?.wakeAt == now.advanced(by: .seconds(30)))
        var unhinted = machine(jitter: 1)
        #expect(retryOf(unhinted.received(.unavailable(reason: "429", retryAfter: nil), now: now).step)?.delay == .zero)
    }

    @Test("a retriable failure retries with backoff, then gives up at the attempt limit")
    func retriable() {
        var delivery = machine()
        for attempt in 1...2 {
            let action = delivery.received(.retriable(reason: "500", retryAfter: nil), now: now)
            #expect(action.opensGate)
            let delay = policy.ceiling(afterFailures: attempt)
            #expect(
                retryOf(action.step)
                    == Machine.Retry(
                        credentialRejected: nil, failedAttempt: "500", delay: delay, wakeAt: now.advanced(by: delay),
                        closesGate: false, log: .attempt(reason: "500", attempt: attempt, delay: delay),
                        givesBack: false))
        }
        #expect(
            delivery.received(.retriable(reason: "500", retryAfter: nil), now: now).step
                == .giveUp(
                    failedAttempt: "500",
                    Machine.DeadLetters(
                        entries: entries(1...4), reason: "gave up after 3 attempts; last error: 500", attempts: 3)))
    }

    @Test("a retriable failure's Retry-After is the least delay")
    func retriableRetryAfter() {
        var delivery = machine(jitter: 1)
        #expect(
            retryOf(delivery.received(.retriable(reason: "500", retryAfter: .seconds(12)), now: now).step)?.delay
                == .seconds(12))
    }

    @Test("a partial delivery settles each fate, grouped and sorted, then is finished when nothing is left")
    func partialAllSettled() {
        var delivery = machine(1...6)
        let fates = PartialDelivery(
            delivered: [4, 1], rejected: [6: "too big", 2: "bad field", 3: "too big"], rerouted: [5: "archive"])
        let action = delivery.received(.partial(fates), now: now)
        #expect(action.opensGate)
        #expect(
            action.step
                == .settle(
                    Machine.Settlement(
                        delivered: [entries(4...4)[0], entries(1...1)[0]],
                        deadLetters: [
                            Machine.DeadLetters(entries: entries(2...2), reason: "bad field", attempts: 1),
                            Machine.DeadLetters(
                                entries: entries(3...3) + entries(6...6), reason: "too big", attempts: 1),
                        ],
                        moves: [Machine.Move(target: "archive", ids: [5])],
                        deliveredEvents: 2, deadLetteredEvents: 3)))
        #expect(delivery.entries.isEmpty)
        #expect(delivery.settled(now: now) == .finished)
    }

    @Test("entries a partial delivery leaves in an outage are retried with the gate closed, using up no attempt")
    func partialOutage() throws {
        var delivery = machine(1...3)
        let fates = PartialDelivery(
            delivered: [1], retriable: [2, 3], retryReason: "429", retryAfter: .seconds(5), retryIsOutage: true)
        for _ in 1...5 {
            _ = delivery.received(.partial(fates), now: now)
            let retry = try #require(retryOf(delivery.settled(now: now.advanced(by: .seconds(1)))))
            #expect(retry.closesGate && retry.failedAttempt == "429" && retry.delay >= .seconds(5))
            #expect(retry.wakeAt == now.advanced(by: .seconds(1)).advanced(by: retry.delay))
        }
        #expect(delivery.entries.map(\.id) == [2, 3])
        #expect(delivery.attemptFailures == 0)
        #expect(delivery.outageFailures == 5)
    }

    @Test("entries a partial delivery leaves otherwise use up attempts, then are dead-lettered")
    func partialNotOutage() throws {
        var delivery = machine(1...3)
        let fates = PartialDelivery(delivered: [1], retriable: [2, 3], retryReason: "500")
        _ = delivery.received(.partial(fates), now: now)
        let first = try #require(retryOf(delivery.settled(now: now)))
        #expect(!first.closesGate && first.log == nil && first.failedAttempt == "500" && first.delay == .seconds(1))
        _ = delivery.received(.retriable(reason: "500", retryAfter: nil), now: now)
        let again = PartialDelivery(rejected: [2: "bad"], retriable: [3], retryReason: "502 later")
        let settle = delivery.received(.partial(again), now: now).step
        guard case .settle(let settlement) = settle else {
            Issue.record("expected a settlement, got \(settle)")
            return
        }
        #expect(settlement.deadLetters == [Machine.DeadLetters(entries: entries(2...2), reason: "bad", attempts: 3)])
        #expect(
            delivery.settled(now: now)
                == .giveUp(
                    failedAttempt: "502 later",
                    Machine.DeadLetters(
                        entries: entries(3...3), reason: "gave up after 3 attempts; last error: 502 later", attempts: 3)
                ))
    }

    @Test("every answer but an outage or a refused credential opens the gate")
    func gateOpens() {
        let outcomes: [(DeliveryOutcome, Bool)] = [
            (.delivered, true), (.awaitingAcknowledgement(AckToken(group: 0, id: 1)), true),
            (.rejected(reason: "r"), true),
            (.poisoned(index: 0, reason: "r"), true), (.retriable(reason: "r", retryAfter: nil), true),
            (.partial(PartialDelivery(delivered: [1, 2, 3, 4])), true),
            (.unavailable(reason: "r", retryAfter: nil), false),
            (.credentialRejected(reason: "r"), false),
        ]
        for (outcome, opens) in outcomes {
            var delivery = machine()
            #expect(delivery.received(outcome, now: now).opensGate == opens, "\(outcome)")
        }
    }

    @Test("a closed gate holds the batch until it reopens, or gives it back when that is past the deadline")
    func admission() {
        let reopens = now.advanced(by: .seconds(10))
        #expect(machine().admit(.send) == .send)
        #expect(machine().admit(.waitUntil(reopens)) == .wait(until: reopens))
        #expect(machine(deadline: reopens).admit(.waitUntil(reopens)) == .wait(until: reopens))
        #expect(
            machine(deadline: now.advanced(by: .seconds(9))).admit(.waitUntil(reopens)) == .giveBack(entries(1...4)))
    }

    @Test("a retry that would wake after the deadline gives the batch back")
    func deadlineGivesBack() {
        var late = machine(deadline: now.advanced(by: .milliseconds(999)))
        #expect(retryOf(late.received(.unavailable(reason: "503", retryAfter: nil), now: now).step)?.givesBack == true)
        var inTime = machine(deadline: now.advanced(by: .seconds(1)))
        #expect(retryOf(inTime.received(.retriable(reason: "500", retryAfter: nil), now: now).step)?.givesBack == false)
    }
}
