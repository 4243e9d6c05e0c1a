import HTTPTypes
import RelayCore
import RelayHTTP
import RelayState
import RelayTesting
import Testing

@testable import RelayAWS

/// Issue 18, item 4: one authenticated request must not cost gigabytes. Each test replays the
/// reproduction in miniature and asserts on the answer and on what was stored.
@Suite struct BoundedIntakeCostTests {
    static let key = "firehose-key-1"
    let clock = ManualClock()

    func firehose(maxBodyBytes: Int = 64 << 20) -> FirehoseReceiver {
        FirehoseReceiver(
            configuration: FirehoseReceiverConfiguration(
                name: "firehose", accessKeys: [Credential(Self.key)], maxBodyBytes: maxBodyBytes),
            normalize: testNormalizer, clock: clock, logger: testLogger)
    }

    /// POSTs each body in turn to `receiver` served on a socket, with the access key and the request id.
    func post(
        _ receiver: FirehoseReceiver, intake: any SourceSender, _ bodies: [(body: [UInt8], requestID: String)],
        gzip: Bool = false
    ) async throws -> [ReceivedResponse] {
        try await withReceiverServer(receiver, intake: intake) { base in
            var responses: [ReceivedResponse] = []
            for (body, requestID) in bodies {
                var headers = [("X-Amz-Firehose-Access-Key", Self.key), ("X-Amz-Firehose-Request-Id", requestID)]
                if gzip { headers.append(("Content-Encoding", "gzip")) }
                responses.append(try await send("POST", base + "/firehose", headers: headers, body: body))
            }
            return responses
        }
    }

    /// `{"requestId":…,"records":[{"data":""},…]}`: every record empty, so each one is a dead letter.
    static func emptyRecords(_ count: Int, requestID: String, good: [String] = []) -> [UInt8] {
        let empty = Array(repeating: #"{"data":""}"#, count: count)
        let valid = good.map { #"{"data":"\#(Base64.encode(Array($0.utf8)))"}"# }
        return Array(#"{"requestId":"\#(requestID)","records":[\#((valid + empty).joined(separator: ","))]}"#.utf8)
    }

    @Test func gzipBodyInflatingPastMaxBodyBytesIsRefusedWithAStatusFirehoseBacksUp() async throws {
        let intake = RecordingIntake()
        let limit = 65_536
        // 10,000 empty records: about 120 KB inflated, under twice the limit, a few hundred bytes sent.
        let inflated = Self.emptyRecords(10_000, requestID: "bomb")
        #expect(inflated.count > limit && inflated.count < 2 * limit)
        let body = Gzip.compress(inflated, level: .standard)
        #expect(body.count < limit / 10)
        let response = try await post(firehose(maxBodyBytes: limit), intake: intake, [(body, "bomb")], gzip: true)[0]
        #expect(response.status == 400, "Firehose retries a 400 and then backs the batch up to S3; a 413 would lose it")
        #expect(response.json?["errorMessage"]?.stringValue?.contains("inflates beyond 65536 bytes") == true)
        #expect(intake.commits == 0)
        #expect(intake.malformed.count == 0)
    }

    @Test func moreDeadLettersThanTheCapRefusesTheWholeRequestAndStoresNothing() async throws {
        let intake = RecordingIntake()
        let cap = FirehoseReceiverConfiguration(name: "f", accessKeys: [Credential(Self.key)]).maxDeadLettersPerRequest
        let responses = try await post(
            firehose(), intake: intake,
            [
                (Self.emptyRecords(cap + 1, requestID: "over", good: [eventText("g1")]), "over"),
                (Self.emptyRecords(cap, requestID: "at", good: [eventText("g2")]), "at"),
            ])
        let (over, at) = (responses[0], responses[1])
        #expect(over.status == 400)
        let message = over.json?["errorMessage"]?.stringValue ?? ""
        #expect(message.contains("\(cap)") && message.contains("max_dead_letters_per_request"))
        #expect(intake.commits == 1, "no partial commit of the refused request: not even its good record")
        #expect(at.status == 200, "up to the cap, bad records are dead-lettered and the rest accepted")
        #expect(intake.malformed.count == cap)
        #expect(intake.events.count == 1)
    }

    @Test func apiDestinationBodyWithMoreBadPartsThanTheCapStoresNothing() async throws {
        let intake = RecordingIntake()
        let receiver = APIDestinationReceiver(
            configuration: APIDestinationReceiverConfiguration(
                name: "eventbridge", auth: .apiKey(header: "X-Api-Key", values: ["k"])),
            normalize: testNormalizer, clock: ManualClock(), logger: testLogger)
        let cap = receiver.configuration.maxDeadLettersPerRequest
        let body = Array((eventText("g1") + String(repeating: "{}", count: cap + 1)).utf8)
        let fields: HTTPFields = [HTTPField.Name("X-Api-Key")!: "k"]
        let response = await receiver.handle(
            memoryRequest(path: "/eventbridge", headers: fields, body: body), intake: intake)
        #expect(response.status.code == 400)
        #expect(intake.commits == 0)
    }

    @Test func requestIDsOver128BytesAreRefusedAndNeverRemembered() async throws {
        let intake = RecordingIntake()
        let long = String(repeating: "r", count: 129)
        let fits = String(repeating: "r", count: 128)
        let responses = try await post(
            firehose(), intake: intake,
            [
                (firehoseBody(requestID: "short", records: [eventText("a")]), long),
                (firehoseBody(requestID: long, records: [eventText("b")]), ""),
                (firehoseBody(requestID: fits, records: [eventText("c")]), fits),
            ])
        for response in responses.prefix(2) {
            #expect(response.status == 400)
            #expect(response.json?["errorMessage"]?.stringValue?.contains("128") == true)
        }
        #expect(responses[2].status == 200)
        #expect(intake.events.count == 1)
    }

    @Test func aRecordThatFailsNormalizationIsDeadLetteredWithItsCallerNumberHashed() async throws {
        let scratch = try ScratchDirectory("aws")
        defer { scratch.remove() }
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: scratch.path + "/state.sqlite"))
        defer { try? store.close() }
        let redactor = Redactor(
            rules: [
                RedactionRule(path: "attributes.ani", action: .hash),
                RedactionRule(path: "attributes.dnis", action: .drop),
            ],
            key: Array(repeating: 7, count: 32))
        let intake = Intake(
            source: "firehose", store: store,
            router: EventRouter(routes: [Route(name: "r", from: ["firehose"], to: ["hec"])]),
            clock: clock, signal: OutboxSignal(), telemetry: PipelineTelemetry(), redactor: redactor)
        // No detail.topicName: the test normalizer refuses it, so it is dead-lettered at intake.
        let bad =
            #"{"id":"x1","detail":{"eventBody":{"conversation":{"ANI":"tel:+15551234567","DNIS":"tel:+18005550100"}}}}"#
        let unparseable = #"{"id":"x2","ani":"tel:+15559876543""#
        let response = try await post(
            firehose(), intake: intake, [(firehoseBody(requestID: "pii", records: [bad, unparseable]), "pii")])[0]
        #expect(response.status == 200)
        let letters = try await store.deadLetters(limit: 10)
        #expect(letters.count == 2)
        let stored = letters.map { String(decoding: $0.payload, as: UTF8.self) }
        let parsed = try #require(stored.first { $0.contains("x1") })
        #expect(!parsed.contains("5551234567"))
        #expect(!parsed.contains("8005550100"))
        #expect(parsed.contains(redactor.pseudonym(for: "tel:+15551234567")))
        let kept = try #require(stored.first { $0.contains("x2") })
        #expect(kept == unparseable, "bytes that do not parse are kept as received for an operator")
    }
}
