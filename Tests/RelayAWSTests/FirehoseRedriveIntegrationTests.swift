import RelayCore
import RelayHTTP
import RelayTesting
import Testing

@testable import RelayAWS

/// `ccrelay redrive`'s reading side against a real `moto_server` (see ``S3IntegrationTests``): the
/// objects Firehose backed up are listed, fetched, decoded and committed through an intake.
@Suite struct FirehoseRedriveIntegrationTests {
    static let prefix = "http-endpoint-failed"

    /// A bucket holding a gzip object with two good records, a plain one with a good record, a bad
    /// line and a record that is not base64, and a broken gzip object.
    static func backupBucket() async throws -> S3Client {
        let client = try await S3IntegrationTests.freshBucket(try S3IntegrationTests.moto())
        let first = [backupLine(eventText("a")), backupLine(eventText("b"))].joined(separator: "\n") + "\n"
        let notBase64 = #"{"attemptsMade":3,"rawData":"%%%"}"#
        let second = [backupLine(eventText("c")), "{broken", notBase64].joined(separator: "\n")
        var broken = Gzip.compress(Array(first.utf8), level: .standard)
        broken.removeLast(20)
        let objects: [(String, [UInt8])] = [
            (
                "\(prefix)/2026/01/01/00/stream-1-2026-01-01-00-05-00-aaa.gz",
                Gzip.compress(Array(first.utf8), level: .standard)
            ),
            ("\(prefix)/2026/01/01/01/stream-1-2026-01-01-01-05-00-bbb", Array(second.utf8)),
            ("\(prefix)/2026/01/01/02/stream-1-2026-01-01-02-05-00-ccc.gz", broken),
        ]
        for (key, body) in objects {
            let response = try await client.putObject(key: key, body: body, contentType: "application/octet-stream")
            #expect(response.status == 200)
        }
        return client
    }

    @Test func recordsAreCommittedBadOnesDeadLetteredByObjectAndLineAndABrokenObjectReported() async throws {
        let client = try await Self.backupBucket()
        let intake = InMemoryIntake()
        let redrive = FirehoseBackupRedrive(client: client, normalize: testNormalizer, logger: testLogger)

        // Firehose's backup prefixes end in `/`: the listing signs it encoded, as S3 requires.
        let report = try await redrive.run(prefix: Self.prefix + "/", intake: intake)

        #expect(report.objects == 3)
        #expect(report.records == 4)
        #expect(report.events == 3)
        #expect(report.accepted == 3)
        #expect(report.duplicates == 0)
        #expect(report.deadLettered == 2)
        #expect(report.failedObjects.count == 1)
        #expect(report.errorCodes == ["HttpEndpoint.RequestTimeout": 3])
        #expect(report.firstArrival == Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        #expect(report.lastArrival == report.firstArrival)
        #expect(report.failedObjects.first?.contains("stream-1-2026-01-01-02-05-00-ccc.gz: gzip") == true)
        let ids = await intake.eventIDs
        let expected = ["a", "b", "c"].map {
            EventID.make(platform: .genesys, nativeID: $0, topic: "v2.users.u-1.presence")
        }
        #expect(ids == Set(expected))
        #expect(await intake.commits.allSatisfy { $0.partition == FirehoseReceiver.partition && $0.checkpoint == nil })
        let object = "s3://\(client.bucket)/\(Self.prefix)/2026/01/01/01/stream-1-2026-01-01-01-05-00-bbb"
        let reasons = await intake.malformed.map(\.reason)
        #expect(reasons.count == 2)
        #expect(reasons.first?.hasPrefix("\(object) line 2: not JSON") == true, "\(reasons)")
        #expect(reasons.last == "\(object) line 3 rawData: not base64")
    }

    @Test func aSecondRedriveAddsNothing() async throws {
        let client = try await Self.backupBucket()
        let intake = InMemoryIntake()
        let redrive = FirehoseBackupRedrive(client: client, normalize: testNormalizer, logger: testLogger)
        _ = try await redrive.run(prefix: Self.prefix, intake: intake)

        let again = try await redrive.run(prefix: Self.prefix, intake: intake)

        #expect(again.accepted == 0)
        #expect(again.duplicates == 3)
        #expect(await intake.eventIDs.count == 3)
    }

    @Test func aDryRunReadsDecodesAndCountsWithoutAnIntake() async throws {
        let client = try await Self.backupBucket()
        let redrive = FirehoseBackupRedrive(client: client, normalize: testNormalizer, logger: testLogger)

        let report = try await redrive.run(prefix: Self.prefix, intake: nil)

        #expect(report.records == 4)
        #expect(report.events == 3)
        #expect(report.deadLettered == 2)
        #expect(report.accepted == 0)
    }

    @Test func anObjectWithMoreBadLinesThanTheCapIsReportedAndNothingOfItStored() async throws {
        let client = try await Self.backupBucket()
        var redrive = FirehoseBackupRedrive(client: client, normalize: testNormalizer, logger: testLogger)
        redrive.maxDeadLettersPerObject = 0
        let intake = RecordingIntake()

        let report = try await redrive.run(prefix: Self.prefix, intake: intake)

        #expect(report.deadLettered == 0)
        #expect(intake.malformed.isEmpty)
        #expect(report.failedObjects.contains { $0.contains("max_dead_letters_per_request") })
        #expect(report.events < 3, "the object holding the bad lines is skipped whole")
    }

    @Test func aPrefixWithNothingUnderItIsAnEmptyReport() async throws {
        let client = try await Self.backupBucket()
        let redrive = FirehoseBackupRedrive(client: client, normalize: testNormalizer, logger: testLogger)

        let report = try await redrive.run(prefix: "splunk-failed", intake: InMemoryIntake())

        #expect(report == FirehoseRedriveReport())
    }
}
