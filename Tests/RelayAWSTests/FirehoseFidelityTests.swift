import HTTPTypes
import Hummingbird
import NIOCore
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Synchronization
import Testing

@testable import RelayAWS

/// The sandbox Firehose judges answers as AWS's HTTP endpoint specification says (PROTOCOLS.md):
/// 413 drops the batch without a backup, a 200 of the wrong shape counts as a 500, retry delays
/// carry ±15 % jitter, and the common attributes header is sent. And ccrelay's receiver never
/// answers 413, so no batch of its is dropped that way.
@Suite struct FirehoseFidelityTests {
    /// Answers every request with `answer`, recording when each arrived and its headers.
    final class ScriptedEndpoint: HTTPReceiver, Sendable {
        typealias Answer = @Sendable (_ requestID: String, Request, any SourceSender) async -> Response
        let name = "scripted"
        let clock: ManualClock
        let answer: Answer
        let seen = Mutex<[(at: WallInstant, headers: HTTPFields)]>([])

        init(clock: ManualClock, answer: @escaping Answer) {
            self.clock = clock
            self.answer = answer
        }

        convenience init(clock: ManualClock, answer: @escaping @Sendable (_ requestID: String) -> Response) {
            self.init(clock: clock) { id, _, _ in answer(id) }
        }

        func addRoutes(to router: Router<BasicRequestContext>, intake: any SourceSender) {
            router.post("/firehose") { request, _ in
                self.seen.withLock { $0.append((self.clock.now, request.headers)) }
                return await self.answer(request.headers[.init("X-Amz-Firehose-Request-Id")!] ?? "", request, intake)
            }
        }
    }

    static func response(_ status: HTTPResponse.Status, contentType: String? = "application/json", _ body: String)
        -> Response
    {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// Delivers five events to `endpoint` with a 10 s retry duration and returns the emulator.
    static func deliver(to endpoint: ScriptedEndpoint, clock: ManualClock, jitter: Double = 0) async throws
        -> FirehoseDeliveryEmulator
    {
        var generator = GenesysEventBridgeGenerator(seed: 5)
        let events = generator.generate(count: 5, start: clock.now.timestamp)
        return try await withReceiverServer(endpoint, intake: RecordingIntake()) { base in
            let firehose = FirehoseDeliveryEmulator(
                configuration: FirehoseDeliveryConfiguration(
                    url: base + "/firehose", retryDuration: .seconds(10), retryJitter: jitter),
                clock: clock, logger: testLogger)
            _ = try await clock.driving(step: .milliseconds(10)) { try await firehose.deliver(events) }
            return firehose
        }
    }

    @Test func a413IsPermanentAndTheBatchIsDroppedNotBackedUp() async throws {
        let clock = ManualClock()
        let endpoint = ScriptedEndpoint(clock: clock) { id in
            Self.response(.contentTooLarge, #"{"requestId":"\#(id)","timestamp":1}"#)
        }
        let firehose = try await Self.deliver(to: endpoint, clock: clock)
        #expect(endpoint.seen.withLock { $0.count } == 1, "no retry after a 413")
        #expect(firehose.dropped.count == 5)
        #expect(firehose.failed.isEmpty, "a 413 batch never reaches the S3 backup")
        #expect(firehose.stats.droppedRequests == 1)
    }

    @Test(
        "a 200 that breaks the response rules counts as a 500: retried, then backed up",
        arguments: [
            ("application/json", #"{"requestId":"other","timestamp":1}"#),
            ("application/json", #"{"requestId":"ID"}"#),
            ("application/json", "not json"),
            ("text/plain", #"{"requestId":"ID","timestamp":1}"#),
            (
                "application/json",
                #"{"requestId":"ID","timestamp":1,"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            ),
        ]
    )
    func malformedSuccessIsRetried(contentType: String, template: String) async throws {
        let clock = ManualClock()
        let endpoint = ScriptedEndpoint(clock: clock) { id in
            Self.response(.ok, contentType: contentType, template.replacingOccurrences(of: "\"ID\"", with: "\"\(id)\""))
        }
        let firehose = try await Self.deliver(to: endpoint, clock: clock)
        #expect(endpoint.seen.withLock { $0.count } == 4, "attempts at 0, 1, 3 and 7 s within the 10 s retry duration")
        #expect(firehose.acknowledged.isEmpty)
        #expect(firehose.failed.count == 5)
    }

    @Test func retryDelaysCarryFifteenPercentJitter() async throws {
        let clock = ManualClock()
        let endpoint = ScriptedEndpoint(clock: clock) { _ in Self.response(.internalServerError, "{}") }
        _ = try await Self.deliver(to: endpoint, clock: clock, jitter: 0.15)
        let arrivals = endpoint.seen.withLock { $0.map(\.at) }
        #expect(arrivals.count >= 4)
        let gaps = zip(arrivals, arrivals.dropFirst()).map { $0.duration(to: $1) }
        for (gap, nominal) in zip(gaps, [1.0, 2.0, 4.0]) {
            // The driving clock steps 10 ms at a time, so a delay shows up to one step late.
            #expect(gap >= .seconds(nominal * 0.85) && gap <= .seconds(nominal * 1.15) + .milliseconds(10))
        }
        #expect(gaps.prefix(3) != [.seconds(1), .seconds(2), .seconds(4)], "the delays are drawn, not nominal")
    }

    @Test func theCommonAttributesHeaderIsSentAndTheReceiverAcceptsIt() async throws {
        let clock = ManualClock()
        let receiver = FirehoseReceiver(
            configuration: FirehoseReceiverConfiguration(name: "firehose", accessKeys: ["sandbox-firehose-key"]),
            normalize: testNormalizer, clock: clock, logger: testLogger)
        let intake = RecordingIntake()
        var generator = GenesysEventBridgeGenerator(seed: 6)
        let events = generator.generate(count: 3, start: clock.now.timestamp)
        let endpoint = ScriptedEndpoint(clock: clock) { _, request, intake in
            await receiver.handle(request, intake: intake)
        }
        let acknowledged = try await withReceiverServer(endpoint, intake: intake) { base in
            let firehose = FirehoseDeliveryEmulator(
                configuration: FirehoseDeliveryConfiguration(url: base + "/firehose"), clock: clock, logger: testLogger)
            return try await firehose.deliver(events)
        }
        #expect(acknowledged == 3, "the receiver's 200 passes Firehose's response rules")
        let header = try #require(
            endpoint.seen.withLock { $0.first?.headers[.init("X-Amz-Firehose-Common-Attributes")!] })
        #expect(try JSONParser.parse(header)["commonAttributes"]?["environment"]?.stringValue == "ccrelay-sandbox")
    }
}
