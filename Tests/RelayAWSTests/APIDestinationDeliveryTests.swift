import RelayCore
import RelaySandbox
import RelayTesting
import Synchronization
import Testing

@testable import RelayAWS

/// The sandbox EventBridge API destination against ccrelay's receiver: the 5 s answer deadline,
/// what is retried and what goes to the dead-letter queue at once (PROTOCOLS.md).
@Suite struct APIDestinationDeliveryTests {
    static let key = "sandbox-api-destination-key"

    /// Commits through a ``RecordingIntake``; the first `slowCommits` commits take `commitTime` on
    /// the manual clock, as a stalled disk would.
    final class SlowIntake: SourceSender {
        let inner = RecordingIntake()
        let clock: ManualClock
        let commitTime: Duration
        let slowCommits: Mutex<Int>

        init(clock: ManualClock, commitTime: Duration, slowCommits: Int) {
            self.clock = clock
            self.commitTime = commitTime
            self.slowCommits = Mutex(slowCommits)
        }

        func checkpoint(partition: String) async throws -> String? { nil }

        func commit(partition: String, events: [Event], malformed: [MalformedRecord], checkpoint: String?)
            async throws -> AppendResult
        {
            let result = try await inner.commit(
                partition: partition, events: events, malformed: malformed, checkpoint: checkpoint)
            let slow = slowCommits.withLock { count in
                defer { count -= 1 }
                return count > 0
            }
            if slow { clock.advance(by: commitTime) }
            return result
        }
    }

    static func receiver(clock: ManualClock, key: String = Self.key) -> APIDestinationReceiver {
        APIDestinationReceiver(
            configuration: APIDestinationReceiverConfiguration(
                name: "eventbridge", auth: .apiKey(header: "x-api-key", values: [Credential(key)])),
            normalize: testNormalizer, clock: clock, logger: testLogger)
    }

    static func events(_ count: Int, clock: ManualClock) -> [GeneratedPushEvent] {
        var generator = GenesysEventBridgeGenerator(seed: 21)
        return generator.generate(count: count, start: clock.now.timestamp)
    }

    @Test func anAnswerLaterThanFiveSecondsIsATimeoutRetriedAndTheLedgerKeepsOneCopy() async throws {
        let clock = ManualClock()
        let intake = SlowIntake(clock: clock, commitTime: .seconds(6), slowCommits: 1)
        let events = Self.events(3, clock: clock)
        let emulator = try await withReceiverServer(Self.receiver(clock: clock), intake: intake) { base in
            let emulator = APIDestinationDeliveryEmulator(
                configuration: APIDestinationDeliveryConfiguration(url: base + "/eventbridge"), clock: clock,
                logger: testLogger)
            _ = try await clock.driving(step: .milliseconds(100)) { try await emulator.deliver(events) }
            return emulator
        }
        #expect(emulator.stats.timeouts == 1, "the first answer came after 6 s")
        #expect(emulator.stats.retries == 1)
        #expect(emulator.delivered.count == 3)
        #expect(emulator.deadLettered.isEmpty)
        #expect(intake.inner.eventIDs.count == 3, "the retried event is stored once")
        #expect(intake.inner.commits == 4)
    }

    @Test func aRefusalIsNotRetriedAndGoesToTheDeadLetterQueue() async throws {
        let clock = ManualClock()
        let events = Self.events(2, clock: clock)
        let emulator = try await withReceiverServer(
            Self.receiver(clock: clock, key: "another-key-0123456789"), intake: RecordingIntake()
        ) { base in
            let emulator = APIDestinationDeliveryEmulator(
                configuration: APIDestinationDeliveryConfiguration(url: base + "/eventbridge"), clock: clock,
                logger: testLogger)
            _ = try await clock.driving(step: .milliseconds(100)) { try await emulator.deliver(events) }
            return emulator
        }
        #expect(emulator.stats.requests == 2, "a 401 is not retried")
        #expect(emulator.deadLettered.count == 2)
    }

    @Test func aFailedCommitIsRetriedWithinThePolicyThenDeadLettered() async throws {
        let clock = ManualClock()
        let intake = RecordingIntake()
        intake.setFailing(true)
        let events = Self.events(1, clock: clock)
        let emulator = try await withReceiverServer(Self.receiver(clock: clock), intake: intake) { base in
            let emulator = APIDestinationDeliveryEmulator(
                configuration: APIDestinationDeliveryConfiguration(
                    url: base + "/eventbridge", maximumRetryAttempts: 3),
                clock: clock, logger: testLogger)
            _ = try await clock.driving(step: .milliseconds(100)) { try await emulator.deliver(events) }
            return emulator
        }
        #expect(emulator.stats.requests == 4, "the 500 is retried 3 times, the policy's limit")
        #expect(emulator.deadLettered.count == 1)
    }
}
