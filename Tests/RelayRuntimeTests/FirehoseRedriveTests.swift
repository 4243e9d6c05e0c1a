import Foundation
import RelayAWS
import RelayAWSCore
import RelayConfig
import RelayCore
import RelayHTTP
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting
import Testing

/// `ccrelay redrive` end to end against a real `moto_server` (started by `scripts/test`, described in
/// `MOTO_ENDPOINT`, `MOTO_ACCESS_KEY_ID` and `MOTO_SECRET_ACCESS_KEY`): Genesys events Firehose backed
/// up to S3 go through the configured firehose source's normalizer, the SQLite ledger and a file
/// sink. The prefix has no `/`: moto refuses a correctly signed listing with one.
@Suite("Firehose S3 backup re-drive")
struct FirehoseRedriveTests {
    @Test("records Firehose did deliver are skipped by the ledger; the rest reach the sink once")
    func redriveDeliversOnlyWhatWasNotDelivered() async throws {
        let hint = "is not set: run scripts/test, which starts moto_server with authentication on for this test"
        let environment = ProcessInfo.processInfo.environment
        let endpoint = try #require(environment["MOTO_ENDPOINT"], "MOTO_ENDPOINT \(hint)")
        let keyID = try #require(environment["MOTO_ACCESS_KEY_ID"], "MOTO_ACCESS_KEY_ID \(hint)")
        let secret = try #require(environment["MOTO_SECRET_ACCESS_KEY"], "MOTO_SECRET_ACCESS_KEY \(hint)")
        let bucket = "ccrelay-redrive-\(UUID().uuidString.lowercased().prefix(12))"
        let s3 = S3Client(
            bucket: bucket, region: "us-east-1", endpoint: endpoint,
            credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret), transport: HTTPTransport(),
            clock: SystemClock())
        try await s3.createBucket()
        var generator = GenesysEventBridgeGenerator(seed: 21)
        let load = generator.generate(count: 40, start: SystemClock().now.timestamp)
        let lines = load.map { generated -> String in
            JSONWriter.string([
                "attemptsMade": 30, "arrivalTimestamp": 1_767_225_600_000, "errorCode": "HttpEndpoint.RequestTimeout",
                "errorMessage": "timed out", "attemptEndingTimestamp": 1_767_232_800_000,
                "rawData": .string(Base64.encode(generated.text)),
            ])
        }
        let body = Gzip.compress(Array((lines.joined(separator: "\n") + "\n").utf8), level: .standard)
        let put = try await s3.putObject(
            key: "http-endpoint-failed/2026/01/01/00/stream-1-2026-01-01-00-00-00-x", body: body,
            contentType: "application/octet-stream")
        #expect(put.status == 200)

        let scratch = try ScratchDirectory("redrive")
        defer { scratch.remove() }
        let yaml = """
            state: {sqlite: {path: \(scratch.file("state.sqlite"))}}
            sources:
              firehose: {type: firehose, access_keys: ["${FIREHOSE_KEY}"]}
            sinks:
              archive: {type: file, path: \(scratch.file("events.ndjson"))}
            """
        let variables = ["FIREHOSE_KEY": "redrive-test-access-key-0123456789"]
        let configuration = try ConfigLoader(interpolation: Interpolation(environment: { variables[$0] })).load(
            yaml: yaml)
        // S3 signatures carry the real time, so this runs on the system clock; nothing waits on it.
        let runtime = try RelayRuntime(configuration: configuration, logger: PipelineHarness.logger)
        let credentials = ["AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret]
        let operation = FirehoseRedriveOperation(
            runtime: runtime, clock: SystemClock(), environment: { credentials[$0] }, logger: PipelineHarness.logger)
        let source = try #require(configuration.sources.first as? FirehoseReceiverConfiguration)

        let outcome = try await runtime.whileRunning {
            // Firehose delivered the first ten before the endpoint went down for good.
            let normalize = source.makeNormalizer()
            let delivered = try load.prefix(10).map { try normalize($0.event) }
            let intake = try #require(runtime.intake(forSource: "firehose"))
            try await intake.commit(
                partition: FirehoseReceiver.partition, events: delivered, malformed: [], checkpoint: nil)

            let dryRun = try await operation.run(
                FirehoseRedriveRequest(
                    source: "firehose", from: "s3://\(bucket)/http-endpoint-failed", endpoint: endpoint, dryRun: true))
            #expect(dryRun.ingest.events == 40 && dryRun.ingest.accepted == 0 && dryRun.delivered == 0)

            return try await operation.run(
                FirehoseRedriveRequest(
                    source: "firehose", from: "s3://\(bucket)/http-endpoint-failed", endpoint: endpoint))
        }

        #expect(outcome.ingest.objects == 1)
        #expect(outcome.ingest.records == 40)
        #expect(outcome.ingest.accepted == 30)
        #expect(outcome.ingest.duplicates == 10)
        #expect(outcome.ingest.deadLettered == 0)
        #expect(outcome.succeeded)
        let written = try String(contentsOfFile: scratch.file("events.ndjson"), encoding: .utf8)
        let ids = written.split(separator: "\n").compactMap {
            try? JSONParser.parse(String($0))["event_id"]?.stringValue
        }
        #expect(ids.count == 40)
        #expect(Set(ids) == Set(load.map(\.eventID)))
    }

    @Test("a source that is not a firehose source is refused by name")
    func refusesOtherSources() async throws {
        let scratch = try ScratchDirectory("redrive")
        defer { scratch.remove() }
        let yaml = """
            state: {sqlite: {path: \(scratch.file("state.sqlite"))}}
            sources:
              firehose: {type: firehose, access_keys: ["${FIREHOSE_KEY}"]}
            sinks:
              archive: {type: file, path: \(scratch.file("events.ndjson"))}
            """
        let variables = ["FIREHOSE_KEY": "redrive-test-access-key-0123456789"]
        let configuration = try ConfigLoader(interpolation: Interpolation(environment: { variables[$0] })).load(
            yaml: yaml)
        let runtime = try RelayRuntime(configuration: configuration, logger: PipelineHarness.logger)
        let operation = FirehoseRedriveOperation(
            runtime: runtime, clock: SystemClock(), environment: { _ in nil }, logger: PipelineHarness.logger)
        await #expect {
            try await runtime.whileRunning {
                try await operation.run(FirehoseRedriveRequest(source: "genesys", from: "s3://backup/x"))
            }
        } throws: { error in
            (error as? RelayError)?.message == "redrive: no source named genesys in the configuration"
        }
        await #expect {
            try await runtime.whileRunning {
                try await operation.run(FirehoseRedriveRequest(source: "firehose", from: "s3://backup/x"))
            }
        } throws: { error in
            (error as? RelayError)?.message.contains("region is unknown") == true
        }
    }
}
