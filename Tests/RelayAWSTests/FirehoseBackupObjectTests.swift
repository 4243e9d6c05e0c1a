import RelayCore
import RelayHTTP
import Testing

@testable import RelayAWS

/// A failed-delivery line as Firehose writes it for an HTTP endpoint: the record's bytes in
/// `rawData` (base64) with the story of the attempts.
func backupLine(_ record: String, arrival: JSONValue = 1_767_225_600_000) -> String {
    JSONWriter.string([
        "attemptsMade": 12, "arrivalTimestamp": arrival, "errorCode": "HttpEndpoint.RequestTimeout",
        "errorMessage": "Firehose timed out waiting for the endpoint", "attemptEndingTimestamp": 1_767_232_800_000,
        "rawData": .string(Base64.encode(Array(record.utf8))), "requestId": "5d7e2d5b-bd43-4b1d-9b6a-39c2f4b2a4c1",
    ])
}

@Suite struct FirehoseBackupObjectTests {
    let object = "s3://backup/http-endpoint-failed/2026/01/01/00/stream-1-2026-01-01-00-00-00-abc"

    func parse(_ text: String) throws -> FirehoseBackupObject.Parsed {
        try FirehoseBackupObject.parse(Array(text.utf8), object: object, maxInflatedBytes: 1 << 20)
    }

    @Test func linesBecomeRecordsWithTheirLineArrivalAndError() throws {
        let text = backupLine(eventText("a")) + "\n\n" + backupLine(eventText("b"), arrival: "1767229200000") + "\n"
        let parsed = try parse(text)
        #expect(parsed.failures.isEmpty)
        #expect(parsed.records.map(\.line) == [1, 3])
        #expect(parsed.records.map(\.arrivalTimestamp) == [1_767_225_600_000, 1_767_229_200_000])
        #expect(parsed.records.first?.errorCode == "HttpEndpoint.RequestTimeout")
        #expect(parsed.records.first.flatMap { Base64.decode($0.rawData) } == Array(eventText("a").utf8))
    }

    @Test func aGzipObjectReadsLikeThePlainOne() throws {
        let text = backupLine(eventText("a")) + "\n" + backupLine(eventText("b")) + "\n"
        let zipped = Gzip.compress(Array(text.utf8), level: .standard)
        let parsed = try FirehoseBackupObject.parse(zipped, object: object, maxInflatedBytes: 1 << 20)
        #expect(parsed == (try parse(text)))
        #expect(parsed.records.count == 2)
    }

    @Test func eachBadLineIsOneFailureNamingObjectAndLineAndTheRestFlows() throws {
        let lines = [
            backupLine(eventText("a")), "not json", "[1]", #"{"attemptsMade":1}"#, #"{"rawData":7}"#,
            backupLine(eventText("b")),
        ]
        let parsed = try parse(lines.joined(separator: "\n"))
        #expect(parsed.records.map(\.line) == [1, 6])
        #expect(parsed.failures.map(\.code) == [.notJSON, .notAnObject, .missingRawData, .missingRawData])
        #expect(parsed.failures.map(\.raw) == ["not json", "[1]", #"{"attemptsMade":1}"#, #"{"rawData":7}"#])
        #expect(parsed.failures[0].message.hasPrefix("\(object) line 2: not JSON"))
        #expect(parsed.failures[1].message == "\(object) line 3: a JSON array, not a backup record object")
        #expect(parsed.failures[2].message == "\(object) line 4: rawData: missing or not a string")
    }

    @Test func aBrokenGzipObjectIsRefusedNamingTheObject() {
        var zipped = Gzip.compress(Array(backupLine(eventText("a")).utf8), level: .standard)
        zipped.removeLast(12)
        #expect {
            try FirehoseBackupObject.parse(zipped, object: object, maxInflatedBytes: 1 << 20)
        } throws: { error in
            let error = error as? FirehoseBackupError
            return error?.code == .badGzip && error?.message.hasPrefix("\(object): ") == true
        }
    }

    @Test func aGzipObjectInflatingBeyondTheLimitIsRefused() {
        let zipped = Gzip.compress(
            Array(String(repeating: backupLine(eventText("a")) + "\n", count: 50).utf8), level: .standard)
        #expect(throws: FirehoseBackupError.self) {
            try FirehoseBackupObject.parse(zipped, object: object, maxInflatedBytes: 1024)
        }
    }

    @Test func locationsParseBucketAndPrefix() throws {
        #expect(
            try S3Location.parse("s3://backup/http-endpoint-failed/")
                == S3Location(bucket: "backup", prefix: "http-endpoint-failed/"))
        #expect(try S3Location.parse("s3://backup") == S3Location(bucket: "backup", prefix: ""))
        #expect(try S3Location.parse("s3://backup/") == S3Location(bucket: "backup", prefix: ""))
        for bad in ["https://backup/x", "s3://", "s3://Bad_Bucket/x"] {
            #expect(throws: RelayError.self, "\(bad)") { try S3Location.parse(bad) }
        }
    }
}
