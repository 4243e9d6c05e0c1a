import Foundation
import HTTPTypes
import RelayCore
import RelayHTTP
import RelayState
import RelayTesting
import Testing

@testable import RelayAWS

@Suite struct FirehoseReceiverTests {
    static let key = "firehose-key-1"
    let clock = ManualClock()

    func receiver(keys: [Credential] = [Credential(key)], maxBodyBytes: Int = 64 << 20) -> FirehoseReceiver {
        FirehoseReceiver(
            configuration: FirehoseReceiverConfiguration(
                name: "firehose", accessKeys: keys, maxBodyBytes: maxBodyBytes),
            normalize: testNormalizer, clock: clock, logger: testLogger)
    }

    func headers(requestID: String, key: String? = key, gzip: Bool = false) -> [(String, String)] {
        var headers = [
            ("X-Amz-Firehose-Protocol-Version", "1.0"), ("X-Amz-Firehose-Request-Id", requestID),
            ("Content-Type", "application/json"),
        ]
        if let key { headers.append(("X-Amz-Firehose-Access-Key", key)) }
        if gzip { headers.append(("Content-Encoding", "gzip")) }
        return headers
    }

    @Test func acknowledgesExactlyAsFirehoseRequires() async throws {
        let intake = RecordingIntake()
        let body = Gzip.compress(
            firehoseBody(requestID: "req-1", records: [eventText("e1"), eventText("e2")]), level: .standard)
        let response = try await withReceiverServer(receiver(), intake: intake) { base in
            try await send("POST", base + "/firehose", headers: headers(requestID: "req-1", gzip: true), body: body)
        }
        #expect(response.status == 200)
        #expect(response.header("content-type").first?.hasPrefix("application/json") == true)
        #expect(response.header("content-length") == ["\(response.body.count)"])
        let expected: JSONValue = [
            "requestId": "req-1", "timestamp": .number(JSONNumber(clock.now.timestamp.millisecondsSinceEpoch)),
        ]
        #expect(response.json == expected)
        #expect(intake.events.count == 2)
        #expect(intake.malformed.isEmpty)
    }

    @Test func accessKeyIsRequiredAndRotationAcceptsEveryConfiguredKey() async throws {
        let intake = RecordingIntake()
        let receiver = receiver(keys: ["old-key", "new-key"])
        let body = firehoseBody(requestID: "r", records: [eventText("e1")])
        let (missing, wrong, old, new) = try await withReceiverServer(receiver, intake: intake) { base in
            let url = base + "/firehose"
            return (
                try await send("POST", url, headers: headers(requestID: "r-a", key: nil), body: body),
                try await send("POST", url, headers: headers(requestID: "r-b", key: "new-kez"), body: body),
                try await send("POST", url, headers: headers(requestID: "r-c", key: "old-key"), body: body),
                try await send("POST", url, headers: headers(requestID: "r-d", key: "new-key"), body: body)
            )
        }
        for refused in [missing, wrong] {
            #expect(refused.status == 401)
            #expect(refused.json?["errorMessage"]?.stringValue?.contains("X-Amz-Firehose-Access-Key") == true)
            #expect(refused.json?["timestamp"]?.int64Value != nil)
            #expect(refused.header("content-length") == ["\(refused.body.count)"])
        }
        #expect(missing.json?["requestId"] == "r-a")
        #expect(old.status == 200)
        #expect(new.status == 200)
        #expect(intake.commits == 2)
    }

    @Test func badRequestsAre400NamingWhatAndWhere() async throws {
        let intake = RecordingIntake()
        let cases: [(body: [UInt8], gzip: Bool, fragment: String)] = [
            (Array("definitely not gzip".utf8), true, "gzip"),
            (Array(#"{"requestId":"r","timestamp":1}"#.utf8), false, "records: missing"),
            (Array(#"{"requestId":"r","timestamp":"now","records":[]}"#.utf8), false, "timestamp"),
            (Array(#"{"records":[]}"#.utf8), false, "requestId"),
            (Array(#"[1,2,3]"#.utf8), false, "not an object"),
            (Array("{".utf8), false, "not JSON"),
        ]
        let responses = try await withReceiverServer(receiver(), intake: intake) { base in
            var responses: [ReceivedResponse] = []
            for (index, item) in cases.enumerated() {
                responses.append(
                    try await send(
                        "POST", base + "/firehose", headers: headers(requestID: "bad-\(index)", gzip: item.gzip),
                        body: item.body))
            }
            return responses
        }
        for (response, item) in zip(responses, cases) {
            #expect(response.status == 400, "\(item.fragment)")
            let message = response.json?["errorMessage"]?.stringValue ?? ""
            #expect(message.contains(item.fragment), "\(message)")
        }
        #expect(intake.commits == 0)
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let intake = RecordingIntake()
        let records = (0..<200).map { eventText("e\($0)") }
        let body = firehoseBody(requestID: "big", records: records)
        #expect(body.count > 4096)
        let (plain, bomb) = try await withReceiverServer(receiver(maxBodyBytes: 4096), intake: intake) { base in
            (
                try await send("POST", base + "/firehose", headers: headers(requestID: "big"), body: body),
                // Small on the wire, beyond the limit once inflated.
                try await send(
                    "POST", base + "/firehose", headers: headers(requestID: "bomb", gzip: true),
                    body: Gzip.compress([UInt8](repeating: 0x20, count: 20_000), level: .standard))
            )
        }
        // Firehose drops a batch answered 413 without a backup; a 400 is retried, then backed up.
        #expect(plain.status == 400)
        #expect(plain.json?["errorMessage"]?.stringValue?.contains("max_body_bytes") == true)
        #expect(bomb.status == 400, "Firehose backs up a batch answered 400 after its retries, never one answered 413")
        #expect(intake.commits == 0)
    }

    @Test func newlineDelimitedEventsInsideOneRecord() async throws {
        let intake = RecordingIntake()
        let record = [eventText("n1"), eventText("n2"), eventText("n3")].joined(separator: "\n") + "\n"
        let response = try await withReceiverServer(receiver(), intake: intake) { base in
            try await send(
                "POST", base + "/firehose", headers: headers(requestID: "nd"),
                body: firehoseBody(requestID: "nd", records: [record]))
        }
        #expect(response.status == 200)
        #expect(intake.events.count == 3)
    }

    @Test func malformedRecordIsDeadLetteredWithItsRawTextWhileOthersFlow() async throws {
        let intake = RecordingIntake()
        let broken = eventText("n2").dropLast(5)
        let ndjsonWithBrokenLine = [eventText("n1"), String(broken), eventText("n3")].joined(separator: "\n")
        let records = [eventText("ok1"), "hello, not json", #"{"id":"no-topic"}"#, ndjsonWithBrokenLine]
        let response = try await withReceiverServer(receiver(), intake: intake) { base in
            try await send(
                "POST", base + "/firehose", headers: headers(requestID: "mixed"),
                body: firehoseBody(requestID: "mixed", records: records))
        }
        #expect(response.status == 200)
        #expect(response.json?["errorMessage"] == nil)
        #expect(intake.events.count == 3, "ok1, n1 and n3 flow")
        let malformed = intake.malformed
        #expect(malformed.count == 3)
        #expect(malformed.contains { $0.raw == "hello, not json" && $0.reason.hasPrefix("records[1]") })
        #expect(malformed.contains { $0.raw == #"{"id":"no-topic"}"# && $0.reason.contains("detail.topicName") })
        #expect(malformed.contains { $0.raw == String(broken) && $0.reason.hasPrefix("records[3] line 2") })
    }

    /// Until the push paths shared one decoder, a record whose data was not base64 (or missing)
    /// made the whole request a 400, so Firehose retried good records with it; now that record alone
    /// is dead-lettered, as the Lambda transformation fails only that record.
    @Test func recordWithoutBase64DataIsDeadLetteredWhileOthersFlow() async throws {
        let intake = RecordingIntake()
        let good = Base64.encode(Array(eventText("g1").utf8))
        let body = #"{"requestId":"rb","records":[{"data":"\#(good)"},{"data":"not*base64!"},{"data":5},7]}"#
        let response = try await withReceiverServer(receiver(), intake: intake) { base in
            try await send("POST", base + "/firehose", headers: headers(requestID: "rb"), body: Array(body.utf8))
        }
        #expect(response.status == 200)
        #expect(intake.events.count == 1)
        let reasons = intake.malformed.map(\.reason)
        #expect(reasons.count == 3)
        #expect(reasons.contains("records[1].data (request rb): not base64"))
        #expect(reasons.contains("records[2].data (request rb): missing or not a string"))
        #expect(reasons.contains("records[3].data (request rb): missing or not a string"))
        #expect(intake.malformed.contains { $0.raw == "not*base64!" })
    }

    @Test func answers200OnlyAfterTheCommitSucceeds() async throws {
        let intake = RecordingIntake()
        intake.setFailing(true)
        let body = firehoseBody(requestID: "dur", records: [eventText("d1"), eventText("d2")])
        let (failed, retried) = try await withReceiverServer(receiver(), intake: intake) { base in
            let failed = try await send("POST", base + "/firehose", headers: headers(requestID: "dur"), body: body)
            intake.setFailing(false)
            let retried = try await send("POST", base + "/firehose", headers: headers(requestID: "dur"), body: body)
            return (failed, retried)
        }
        #expect(failed.status == 500)
        #expect(failed.json?["requestId"] == "dur")
        #expect(failed.json?["errorMessage"]?.stringValue?.isEmpty == false)
        #expect(retried.status == 200, "a failed request id is not remembered as answered")
        #expect(intake.events.count == 2)
    }

    @Test func redeliveredRequestIsAcknowledgedWithoutDuplicates() async throws {
        let intake = RecordingIntake()
        let body = firehoseBody(requestID: "again", records: [eventText("a1"), eventText("a2")])
        let statuses = try await withReceiverServer(receiver(), intake: intake) { base in
            [
                try await send("POST", base + "/firehose", headers: headers(requestID: "again"), body: body).status,
                try await send("POST", base + "/firehose", headers: headers(requestID: "again"), body: body).status,
            ]
        }
        #expect(statuses == [200, 200])
        #expect(intake.commits == 1, "the redelivery is answered from the remembered request ids")
        #expect(intake.events.count == 2)
    }

    @Test func redeliveryAfterARestartIsDroppedByTheLedger() async throws {
        let scratch = try ScratchDirectory("aws")
        defer { scratch.remove() }
        let directory = scratch.path
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory + "/state.sqlite"))
        let intake = Intake(
            source: "firehose", store: store,
            router: EventRouter(routes: [Route(name: "r", from: ["firehose"], to: ["hec"])]),
            clock: clock, signal: OutboxSignal(), telemetry: PipelineTelemetry())
        let body = firehoseBody(requestID: "restart", records: [eventText("s1"), eventText("s2"), eventText("s3")])
        for _ in 0..<2 {
            // A fresh receiver each time: the request-id memory is gone, as after a restart.
            let status = try await withReceiverServer(receiver(), intake: intake) { base in
                try await send("POST", base + "/firehose", headers: headers(requestID: "restart"), body: body).status
            }
            #expect(status == 200)
        }
        #expect(try await store.outboxDepth(sink: "hec") == 3)
    }

    @Test func getOnThePathAnswers200ForHealthChecks() async throws {
        let response = try await withReceiverServer(receiver(), intake: RecordingIntake()) { base in
            try await send("GET", base + "/firehose")
        }
        #expect(response.status == 200)
    }

    @Test func thousandsOfMalformedBodiesNeverCrashAndAlwaysAnswer4xx() async throws {
        let intake = RecordingIntake()
        let receiver = receiver(maxBodyBytes: 16_384)
        var generator = FuzzGenerator(seed: 0x5EED)
        let valid = firehoseBody(requestID: "fuzz", records: [eventText("f1"), eventText("f2")])
        for index in 0..<3000 {
            let (body, gzip) = generator.malformedBody(from: valid)
            var fields: HTTPFields = [
                HTTPField.Name("X-Amz-Firehose-Access-Key")!: Self.key,
                HTTPField.Name("X-Amz-Firehose-Request-Id")!: "fuzz-\(index)",
            ]
            if gzip { fields[.contentEncoding] = "gzip" }
            let response = await receiver.handle(
                memoryRequest(path: "/firehose", headers: fields, body: body), intake: intake)
            #expect(
                (400..<500).contains(response.status.code),
                "case \(index): \(response.status.code) \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        #expect(intake.commits == 0)
    }

    @Test func base64RoundTripsAndRejectsForeignCharacters() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("aGVsbG8=") == Array("hello".utf8))
        #expect(Base64.decode("aGVsbG8") == Array("hello".utf8))
        #expect(Base64.decode("aGVs bG8=") == nil)
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("aGVsbG8=x") == nil)
        #expect(Base64.decode("aGVsbG8===") == nil)
        #expect(Base64.decode("aGVsbG8!") == nil)
        #expect(Base64.decode("QQ") == [0x41])
        #expect(Base64.decode("") == [])
    }
}

extension JSONParser {
    static func parseOrNull(_ bytes: [UInt8]) -> JSONValue { (try? parse(bytes)) ?? .null }
}

/// Deterministic generator of bodies that must never be accepted: truncations, byte flips that break
/// the base64 or the JSON, random bytes, wrong shapes, gzip flags on plain data.
struct FuzzGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func malformedBody(from valid: [UInt8]) -> (body: [UInt8], gzip: Bool) {
        switch below(7) {
        case 0:  // a strict prefix of a JSON object is never valid JSON
            return (Array(valid.prefix(below(valid.count))), false)
        case 1:  // random bytes
            return ((0..<below(300)).map { _ in UInt8(truncatingIfNeeded: next()) }, false)
        case 2:  // gzip flag on data that is not gzip
            return (valid, true)
        case 3:  // a truncated gzip stream
            let compressed = Gzip.compress(valid, level: .standard)
            return (Array(compressed.prefix(below(compressed.count - 1))), true)
        case 4:  // a foreign character inside the envelope (a record's bad data is dead-lettered, not refused)
            var body = valid
            body[below(12)] = [UInt8(ascii: "!"), UInt8(ascii: "*"), 0xC3][below(3)]
            return (body, false)
        case 5:  // wrong shapes
            let shapes = [
                #"{"requestId":7,"records":[]}"#, #"{"requestId":"r","records":{}}"#, #"{"requestId":"","records":[]}"#,
                #"{"requestId":"r"}"#, #"{"requestId":"r","timestamp":"now","records":[]}"#,
                #"null"#, #""text""#, #"{}"#, String(repeating: "[", count: 10_000),
            ]
            return (Array(shapes[below(shapes.count)].utf8), false)
        default:  // oversized
            return ([UInt8](repeating: UInt8(ascii: " "), count: 16_385 + below(1000)), false)
        }
    }
}
