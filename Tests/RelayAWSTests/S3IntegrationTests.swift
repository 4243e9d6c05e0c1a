import Foundation
import Logging
import RelayAWSCore
import RelayCore
import RelayHTTP
import RelayTesting
import Testing

@testable import RelayAWS

/// The S3 archive sink against a real `moto_server` with authentication on, which `scripts/test`
/// starts (`INITIAL_NO_AUTH_ACTION_COUNT=4`, an IAM user with an allow-all policy) and describes in
/// `MOTO_ENDPOINT`, `MOTO_ACCESS_KEY_ID` and `MOTO_SECRET_ACCESS_KEY`. Without those variables
/// these tests fail and say so: they never pass without having talked to moto.
///
/// Listings use prefixes without `/`: moto (5.x) checks signatures against a query whose `%2F` it has
/// already decoded, so it refuses any correctly signed listing with a `/` in the prefix (boto3's too).
@Suite struct S3IntegrationTests {
    struct Moto {
        var endpoint: String
        var credentials: AWSCredentials
    }

    static func moto() throws -> Moto {
        let environment = ProcessInfo.processInfo.environment
        let hint = "is not set: run scripts/test, which starts moto_server with authentication on for these tests"
        let endpoint = try #require(environment["MOTO_ENDPOINT"], "MOTO_ENDPOINT \(hint)")
        let keyID = try #require(environment["MOTO_ACCESS_KEY_ID"], "MOTO_ACCESS_KEY_ID \(hint)")
        let secret = try #require(environment["MOTO_SECRET_ACCESS_KEY"], "MOTO_SECRET_ACCESS_KEY \(hint)")
        return Moto(endpoint: endpoint, credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret))
    }

    static let logger = Logger.quiet("ccrelay.s3.tests")

    /// A bucket of its own per test, so tests run side by side.
    static func freshBucket(_ moto: Moto) async throws -> S3Client {
        var generator = SystemRandomNumberGenerator()
        let suffix = SigV4Encoding.hex((0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let client = S3Client(
            bucket: "ccrelay-test-\(suffix)", region: "us-east-1", endpoint: moto.endpoint,
            credentials: moto.credentials, transport: HTTPTransport(), clock: SystemClock())
        try await client.createBucket()
        return client
    }

    /// Signatures carry the real time (S3 refuses skewed clocks); event times are the test's own.
    static func sink(_ moto: Moto, bucket: String, credentials: AWSCredentials? = nil, name: String = "transcripts")
        -> S3ArchiveSink
    {
        let configuration = S3SinkConfiguration(
            name: name, bucket: bucket, prefix: "archive", region: "us-east-1", endpoint: moto.endpoint,
            credentials: .keys(credentials ?? moto.credentials))
        return S3ArchiveSink(
            configuration: configuration, transport: HTTPTransport(), clock: SystemClock(), logger: logger)
    }

    static func entry(_ id: Int64, at iso: String) -> OutboxEntry {
        let time = try! Timestamp.parseISO8601(iso)
        let payload =
            #"{"event_id":"ev-\#(id)","timestamp":"\#(time.iso8601)","platform":"genesys","source_kind":"transcript","#
            + #""attributes":{"text":"Guten Tag, wie kann ich helfen? \u2014 \"quoted\"\nline two","n":\#(id)}}"#
        return OutboxEntry(
            id: id, eventID: "ev-\(id)", timestamp: time, platform: .genesys, payload: Array(payload.utf8),
            enqueuedAt: time)
    }

    static func ndjson(_ entries: [OutboxEntry]) -> [UInt8] {
        entries.flatMap { $0.payload + [UInt8(ascii: "\n")] }
    }

    @Test func batchesLandAsGzipNDJSONAndReadBackByteForByte() async throws {
        let moto = try Self.moto()
        let client = try await Self.freshBucket(moto)
        let sink = Self.sink(moto, bucket: client.bucket)

        let firstHour = [Self.entry(1, at: "2026-03-09T10:00:00.000Z"), Self.entry(2, at: "2026-03-09T10:59:59.999Z")]
        let secondHour = [Self.entry(3, at: "2026-03-09T12:30:00+01:00")]  // 11:30 UTC
        let later = [Self.entry(4, at: "2026-03-09T10:15:00.000Z"), Self.entry(5, at: "2026-03-09T10:16:00.000Z")]
        #expect(await sink.deliver([firstHour[0], secondHour[0], firstHour[1]]) == .delivered)
        #expect(await sink.deliver(later) == .delivered)

        let keys = try await client.listKeys(prefix: "archive")
        #expect(keys.count == 3)
        let pattern =
            /archive\/transcripts\/2026\/03\/09\/(10|11)\/[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.json\.gz/
        for key in keys { #expect(key.wholeMatch(of: pattern) != nil, "unexpected key \(key)") }
        #expect(keys.filter { $0.hasPrefix("archive/transcripts/2026/03/09/10/") }.count == 2)
        #expect(keys.filter { $0.hasPrefix("archive/transcripts/2026/03/09/11/") }.count == 1)

        var contents: [[UInt8]] = []
        for key in keys {
            let response = try await client.getObject(key: key)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/gzip")
            #expect(Array(response.body.prefix(2)) == [0x1F, 0x8B])
            contents.append(try Gzip.decompress(response.body, maxBytes: 1 << 20))
        }
        let expected = [Self.ndjson(firstHour), Self.ndjson(secondHour), Self.ndjson(later)]
        #expect(Set(contents) == Set(expected))
        #expect(contents.count == expected.count)
    }

    @Test func aResentBatchOverwritesItsOwnObject() async throws {
        let moto = try Self.moto()
        let client = try await Self.freshBucket(moto)
        let sink = Self.sink(moto, bucket: client.bucket, name: "audits")
        let batch = [Self.entry(10, at: "2026-03-09T08:00:00Z"), Self.entry(11, at: "2026-03-09T08:01:00Z")]
        #expect(await sink.deliver(batch) == .delivered)
        #expect(await sink.deliver(batch) == .delivered)
        let keys = try await client.listKeys(prefix: "archive")
        #expect(keys.count == 1)
    }

    @Test func aWrongSecretIsACredentialRejectionAndWritesNothing() async throws {
        let moto = try Self.moto()
        let client = try await Self.freshBucket(moto)
        var wrong = moto.credentials
        wrong.secretAccessKey += "x"
        let sink = Self.sink(moto, bucket: client.bucket, credentials: wrong)
        let outcome = await sink.deliver([Self.entry(1, at: "2026-03-09T10:00:00Z")])
        guard case .credentialRejected(let reason) = outcome else {
            Issue.record("expected a credential rejection, got \(outcome)")
            return
        }
        #expect(reason.contains("SignatureDoesNotMatch"))
        #expect(!reason.contains(wrong.secretAccessKey))
        guard case .rejected(let checkReason) = await sink.checkCredential() else {
            Issue.record("the credential check did not refuse the wrong secret")
            return
        }
        #expect(checkReason.contains("SignatureDoesNotMatch"))
        #expect(try await client.listKeys(prefix: "").isEmpty)

        #expect(await Self.sink(moto, bucket: client.bucket).checkCredential() == .valid)
    }

    @Test func anUnknownAccessKeyIsACredentialRejection() async throws {
        let moto = try Self.moto()
        let client = try await Self.freshBucket(moto)
        let unknown = AWSCredentials(
            accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: moto.credentials.secretAccessKey)
        let outcome = await Self.sink(moto, bucket: client.bucket, credentials: unknown).deliver([
            Self.entry(1, at: "2026-03-09T10:00:00Z")
        ])
        guard case .credentialRejected(let reason) = outcome else {
            Issue.record("expected a credential rejection, got \(outcome)")
            return
        }
        #expect(reason.contains("InvalidAccessKeyId"))
    }

    @Test func aMissingBucketIsRejectedWithS3sCode() async throws {
        let moto = try Self.moto()
        let sink = Self.sink(moto, bucket: "ccrelay-test-no-such-bucket")
        let outcome = await sink.deliver([Self.entry(1, at: "2026-03-09T10:00:00Z")])
        guard case .rejected(let reason) = outcome else {
            Issue.record("expected a rejection, got \(outcome)")
            return
        }
        #expect(reason.contains("NoSuchBucket"))
    }
}
