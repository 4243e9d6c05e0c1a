import Hummingbird
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Synchronization
import Testing

@testable import RelayAWS

/// The sandbox Firehose against the real receiver: request format, retries with the same request id,
/// backoff from 1 s doubling, giving up after the retry duration.
@Suite struct FirehoseSandboxTests {
    /// Records each request id it sees and answers 500 to the first `failures` requests.
    final class FlakyReceiver: HTTPReceiver {
        let name = "flaky"
        let failures: Int
        let clock: ManualClock
        let seen = Mutex<[(id: String, at: WallInstant)]>([])
        let inner: FirehoseReceiver

        init(failures: Int, clock: ManualClock) {
            self.failures = failures
            self.clock = clock
            self.inner = FirehoseReceiver(
                configuration: FirehoseReceiverConfiguration(name: "flaky", accessKeys: ["sandbox-firehose-key"]),
                normalize: testNormalizer, clock: clock, logger: testLogger)
        }

        func addRoutes(to router: Router<BasicRequestContext>, intake: any SourceSender) {
            router.post("/firehose") { request, _ in
                let count = self.seen.withLock { seen in
                    seen.append((request.headers[.init("X-Amz-Firehose-Request-Id")!] ?? "", self.clock.now))
                    return seen.count
                }
                if count <= self.failures { return Response(status: .internalServerError) }
                return await self.inner.handle(request, intake: intake)
            }
        }
    }

    static func drive(_ clock: ManualClock, _ operation: @Sendable () async throws -> Int) async throws -> Int {
        let result = try await clock.driving(step: .milliseconds(500), operation)
        clock.advance(by: .seconds(1))
        return result
    }

    @Test func retriesTheSameRequestIDWithDoublingBackoffUntil200() async throws {
        let clock = ManualClock()
        let receiver = FlakyReceiver(failures: 3, clock: clock)
        let intake = RecordingIntake()
        var generator = GenesysEventBridgeGenerator(seed: 1)
        let events = generator.generate(count: 40, start: clock.now.timestamp)
        let start = clock.now
        let firehose = try await withReceiverServer(receiver, intake: intake) { base in
            // Without jitter, so the nominal delays show (FirehoseFidelityTests checks the jitter).
            let firehose = FirehoseDeliveryEmulator(
                configuration: FirehoseDeliveryConfiguration(url: base + "/firehose", retryJitter: 0), clock: clock,
                logger: testLogger)
            let acknowledged = try await Self.drive(clock) { try await firehose.deliver(events) }
            #expect(acknowledged == 40)
            return firehose
        }
        let seen = receiver.seen.withLock { $0 }
        #expect(seen.count == 4)
        #expect(Set(seen.map(\.id)).count == 1, "every retry reuses the request id")
        let offsets = seen.map { start.duration(to: $0.at) }
        #expect(offsets == [.zero, .seconds(1), .seconds(3), .seconds(7)], "backoff 1 s, 2 s, 4 s")
        #expect(firehose.stats.retries == 3)
        #expect(Set(firehose.acknowledged.map(\.eventID)) == Set(events.map(\.eventID)))
        // The vendor-neutral test normalizer identifies each event by its EventBridge id and topic.
        #expect(
            intake.eventIDs == Set(events.map { EventID.make(platform: .genesys, nativeID: $0.id, topic: $0.topic) }))
    }

    @Test func givesUpAfterTheRetryDuration() async throws {
        let clock = ManualClock()
        let receiver = FlakyReceiver(failures: 1_000, clock: clock)
        var generator = GenesysEventBridgeGenerator(seed: 2)
        let events = generator.generate(count: 5, start: clock.now.timestamp)
        let firehose = try await withReceiverServer(receiver, intake: RecordingIntake()) { base in
            let firehose = FirehoseDeliveryEmulator(
                configuration: FirehoseDeliveryConfiguration(
                    url: base + "/firehose", retryDuration: .seconds(10), retryJitter: 0),
                clock: clock, logger: testLogger)
            let acknowledged = try await Self.drive(clock) { try await firehose.deliver(events) }
            #expect(acknowledged == 0)
            return firehose
        }
        #expect(receiver.seen.withLock { $0.count } == 4, "attempts at 0, 1, 3 and 7 s; the next (15 s) is past 10 s")
        #expect(firehose.failed.count == 5)
        #expect(firehose.stats.failedRequests == 1)
    }

    @Test func generatorProducesEveryKindWithRealisticDisconnectTypes() throws {
        var generator = GenesysEventBridgeGenerator(seed: 3)
        let events = generator.generate(count: 500, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        #expect(Set(events.map(\.kind)) == Set(GeneratedPushEvent.Kind.allCases))
        #expect(Set(events.map(\.eventID)).count == 500)
        let disconnects = events.compactMap { $0.event["detail"]?["eventBody"]?["disconnectType"]?.stringValue }
        #expect(!disconnects.isEmpty)
        #expect(Set(disconnects).isSubset(of: Set(GenesysEventBridgeGenerator.disconnectTypes)))
        #expect(Set(disconnects).count > 3)
    }
}
