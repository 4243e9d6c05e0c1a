import RelayAWSCore
import RelayCore
import RelayHTTP
import RelayTesting
import Testing

@testable import RelayAWS

/// Object layout, S3's answers and how a batch's fate is reported, without a server.
@Suite struct S3ArchiveTests {
    static func entry(_ id: Int64, at iso: String, eventID: String? = nil) -> OutboxEntry {
        let time = try! Timestamp.parseISO8601(iso)
        let eventID = eventID ?? "e\(id)"
        return OutboxEntry(
            id: id, eventID: eventID, timestamp: time, platform: .genesys,
            payload: Array(#"{"event_id":"\#(eventID)","timestamp":"\#(time.iso8601)"}"#.utf8), enqueuedAt: time)
    }

    @Test func objectsAreGroupedByTheEventsUTCHour() {
        let layout = S3ObjectLayout(prefix: "archive/", segment: "transcripts")
        let entries = [
            Self.entry(1, at: "2026-03-09T23:59:59.999Z"),
            Self.entry(2, at: "2026-03-10T00:00:00.000Z"),
            Self.entry(3, at: "2026-03-10T01:30:00+01:00"),  // 00:30 UTC
            Self.entry(4, at: "2026-03-09T23:00:00.000Z"),
        ]
        let objects = layout.objects(for: entries)
        #expect(objects.count == 2)
        #expect(objects[0].entryIDs == [1, 4])
        #expect(objects[1].entryIDs == [2, 3])
        #expect(objects[0].key.hasPrefix("archive/transcripts/2026/03/09/23/"))
        #expect(objects[1].key.hasPrefix("archive/transcripts/2026/03/10/00/"))
        for object in objects {
            let name = object.key.split(separator: "/").last.map(String.init) ?? ""
            #expect(name.hasSuffix(".json.gz"))
            let uuid = name.dropLast(".json.gz".count)
            #expect(uuid.count == 36)
            #expect(uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
            #expect(uuid.split(separator: "-")[2].first == "8")  // version 8
        }
        let lines = String(decoding: objects[1].ndjson, as: UTF8.self)
        #expect(lines == String(decoding: entries[1].payload + [0x0A] + entries[2].payload + [0x0A], as: UTF8.self))
    }

    @Test func theSameEventsGetTheSameKeySoAResendOverwrites() {
        let layout = S3ObjectLayout(prefix: "ccrelay", segment: "archive")
        let batch = [Self.entry(1, at: "2026-01-01T10:00:00Z"), Self.entry(2, at: "2026-01-01T10:05:00Z")]
        let resent = [
            Self.entry(7, at: "2026-01-01T10:00:00Z", eventID: "e1"),
            Self.entry(8, at: "2026-01-01T10:05:00Z", eventID: "e2"),
        ]
        #expect(layout.objects(for: batch).map(\.key) == layout.objects(for: resent).map(\.key))
        let other = [Self.entry(1, at: "2026-01-01T10:00:00Z"), Self.entry(3, at: "2026-01-01T10:05:00Z")]
        #expect(layout.objects(for: batch).map(\.key) != layout.objects(for: other).map(\.key))
        #expect(
            S3ObjectLayout(prefix: "", segment: "s").keyPrefix(forHourStarting: Timestamp(millisecondsSinceEpoch: 0))
                == "s/1970/01/01/00/")
    }

    static func response(_ status: Int, _ code: String? = nil, headers: [(name: String, value: String)] = [])
        -> InboundResponse
    {
        let body = code.map {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\($0)</Code><Message>It &amp; failed</Message><RequestId>1</RequestId></Error>"
        }
        return InboundResponse(status: status, headers: headers, body: Array((body ?? "").utf8))
    }

    @Test func answersAreClassifiedByS3ErrorCode() {
        #expect(S3Response.outcome(for: Self.response(200)) == .delivered)
        for code in ["SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken", "AccessDenied"] {
            guard case .credentialRejected(let reason) = S3Response.outcome(for: Self.response(403, code)) else {
                Issue.record("\(code) is not a credential rejection")
                continue
            }
            #expect(reason.contains(code))
        }
        let slowDown = S3Response.outcome(for: Self.response(503, "SlowDown", headers: [("Retry-After", "7")]))
        // Throttling and 502–504 say S3 as a whole is unavailable: retried without using up attempts.
        #expect(slowDown == .unavailable(reason: "S3: HTTP 503 SlowDown (It & failed)", retryAfter: .seconds(7)))
        if case .retriable = S3Response.outcome(for: Self.response(500, "InternalError")) {
        } else {
            Issue.record("500 not retried")
        }
        if case .unavailable = S3Response.outcome(for: Self.response(502)) {
        } else {
            Issue.record("bare 502 not retried as unavailable")
        }
        if case .retriable = S3Response.outcome(for: Self.response(400, "RequestTimeout")) {
        } else {
            Issue.record("RequestTimeout not retried")
        }
        #expect(
            S3Response.outcome(for: Self.response(404, "NoSuchBucket"))
                == .rejected(reason: "S3: HTTP 404 NoSuchBucket (It & failed)"))
        #expect(
            S3Response.outcome(for: Self.response(400, "InvalidStorageClass"))
                == .rejected(reason: "S3: HTTP 400 InvalidStorageClass (It & failed)"))
        if case .credentialRejected = S3Response.outcome(for: Self.response(403)) {
        } else {
            Issue.record("bare 403 not a credential rejection")
        }
    }

    @Test func listingsAndEntitiesAreRead() {
        let xml = Array(
            """
            <ListBucketResult><KeyCount>2</KeyCount><Contents><Key>a/1&amp;2.json.gz</Key></Contents>\
            <Contents><Key>a/&#x41;&#66;</Key></Contents><IsTruncated>false</IsTruncated></ListBucketResult>
            """.utf8)
        #expect(AWSXML.values(of: "Key", in: xml) == ["a/1&2.json.gz", "a/AB"])
        #expect(AWSXML.decodeEntities("x & y &unknown; &") == "x & y &unknown; &")
    }

    @Test func aBatchOverSeveralHoursReportsEachObjectsFate() {
        var fates = S3BatchFates(total: 5)
        fates.record([1, 2], .delivered)
        fates.record([3], .rejected(reason: "S3: HTTP 400 InvalidArgument"))
        fates.record([4], .retriable(reason: "S3: HTTP 503 SlowDown", retryAfter: .seconds(2)))
        #expect(fates.stopped)
        fates.skip([5])
        #expect(
            fates.outcome
                == .partial(
                    PartialDelivery(
                        delivered: [1, 2], rejected: [3: "S3: HTTP 400 InvalidArgument"], retriable: [4, 5],
                        retryReason: "S3: HTTP 503 SlowDown", retryAfter: .seconds(2))))

        // Throttling (503 SlowDown as `.unavailable`) marks the rest as waiting out an outage.
        var throttled = S3BatchFates(total: 3)
        throttled.record([1], .delivered)
        throttled.record([2, 3], .unavailable(reason: "S3: HTTP 503 SlowDown", retryAfter: nil))
        #expect(
            throttled.outcome
                == .partial(
                    PartialDelivery(
                        delivered: [1], retriable: [2, 3], retryReason: "S3: HTTP 503 SlowDown", retryIsOutage: true)))

        var refused = S3BatchFates(total: 3)
        refused.record([1, 2], .credentialRejected(reason: "S3 refused the credential: SignatureDoesNotMatch"))
        refused.skip([3])
        #expect(refused.outcome == .credentialRejected(reason: "S3 refused the credential: SignatureDoesNotMatch"))

        var all = S3BatchFates(total: 2)
        all.record([1], .delivered)
        all.record([2], .delivered)
        #expect(all.outcome == .delivered)
    }

    @Test func bucketNamesAreChecked() {
        #expect(S3SinkConfiguration.bucketNameProblem("my-archive.2026") == nil)
        #expect(S3SinkConfiguration.bucketNameProblem("ab") != nil)
        #expect(S3SinkConfiguration.bucketNameProblem("My_Bucket") != nil)
        #expect(S3SinkConfiguration.bucketNameProblem("-bucket") != nil)
    }

    @Test func addressingIsPathStyleWithAnEndpoint() {
        let credentials = AWSCredentials(accessKeyID: "A", secretAccessKey: "B")
        let moto = S3Client(
            bucket: "archive", region: "us-east-1", endpoint: "http://127.0.0.1:5000/", credentials: credentials,
            transport: HTTPTransport(), clock: ManualClock())
        #expect(
            moto.objectURL("ccrelay/x y/2026/a.json.gz") == "http://127.0.0.1:5000/archive/ccrelay/x%20y/2026/a.json.gz"
        )
        let aws = S3Client(
            bucket: "archive", region: "eu-west-1", endpoint: nil, credentials: credentials, transport: HTTPTransport(),
            clock: ManualClock())
        #expect(aws.objectURL("k") == "https://archive.s3.eu-west-1.amazonaws.com/k")
    }
}
