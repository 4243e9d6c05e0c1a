import Foundation
import RelayAWS
import RelayAWSCore
import RelayAlerts
import RelayConfig
import RelayCore
import RelayHTTP
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import Testing

/// The push path with routes and redaction, against a real `moto_server` with authentication on
/// (started by `scripts/test`, described in `MOTO_ENDPOINT`, `MOTO_ACCESS_KEY_ID` and
/// `MOTO_SECRET_ACCESS_KEY`): sandbox Firehose → receiver → routes by EventBridge pattern → audits
/// and conversation events to the sandbox HEC, transcripts to an S3 archive → objects read back.
@Suite("Push routes: SIEM and S3 archive")
struct PushRoutingToS3Tests {
    static let redactionKey = "push-routing-test-redaction-key-0123456789"

    @Test("audits and conversations reach HEC, transcripts reach S3 once each, and ani/dnis never leave unhashed")
    func routesAuditsToSIEMAndTranscriptsToS3() async throws {
        let hint = "is not set: run scripts/test, which starts moto_server with authentication on for this test"
        let environment = ProcessInfo.processInfo.environment
        let endpoint = try #require(environment["MOTO_ENDPOINT"], "MOTO_ENDPOINT \(hint)")
        let keyID = try #require(environment["MOTO_ACCESS_KEY_ID"], "MOTO_ACCESS_KEY_ID \(hint)")
        let secret = try #require(environment["MOTO_SECRET_ACCESS_KEY"], "MOTO_SECRET_ACCESS_KEY \(hint)")
        let bucket = "ccrelay-routes-\(UUID().uuidString.lowercased().prefix(12))"
        let s3 = S3Client(
            bucket: bucket, region: "us-east-1", endpoint: endpoint,
            credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret), transport: HTTPTransport(),
            clock: SystemClock())
        try await s3.createBucket()

        var generator = GenesysEventBridgeGenerator(seed: 404)
        let load = generator.generate(count: 600, start: SystemClock().now.timestamp)
        let transcripts = load.filter { $0.kind == .transcript }
        let siemBound = load.filter { $0.kind == .audit || $0.kind == .conversation }
        let calledNumbers = load.filter { $0.kind == .conversation }.compactMap {
            $0.event["detail"]?["eventBody"]?["ani"]?.stringValue
        }
        #expect(!transcripts.isEmpty && !siemBound.isEmpty && !calledNumbers.isEmpty)

        try await PushPathTests.withFixture { fixture in
            let yaml = """
                state: {sqlite: {path: \(fixture.directory)/state.sqlite}}
                server: {listen: 127.0.0.1:0}
                sources:
                  firehose: {type: firehose, access_keys: ["${FIREHOSE_KEY}"]}
                routes:
                  siem:
                    from: [firehose]
                    pattern: {source_kind: [audit, conversation]}
                    to: [splunk]
                  transcripts:
                    from: [firehose]
                    pattern: {source_kind: [transcript]}
                    to: [archive]
                redaction:
                  key: "${REDACTION_KEY}"
                  fields: {attributes.ani: hash, attributes.dnis: drop}
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(fixture.hecURL)", token: "${HEC_TOKEN}", index: ccas}
                  archive:
                    type: s3
                    bucket: \(bucket)
                    prefix: push
                    region: us-east-1
                    endpoint: "\(endpoint)"
                    access_key_id: "${MOTO_ACCESS_KEY_ID}"
                    secret_access_key: "${MOTO_SECRET_ACCESS_KEY}"
                """
            let variables = [
                "FIREHOSE_KEY": PushPathTests.accessKey, "REDACTION_KEY": Self.redactionKey,
                "HEC_TOKEN": SplunkHECConfiguration.defaultToken, "MOTO_ACCESS_KEY_ID": keyID,
                "MOTO_SECRET_ACCESS_KEY": secret,
            ]
            let configuration = try ConfigLoader(interpolation: Interpolation(environment: { variables[$0] })).load(
                yaml: yaml)
            // The S3 signatures carry the real time, so this pipeline runs on the system clock; nothing waits on it:
            // the receiver answers when durable and `drain` sends every outbox at once.
            let runtime = try RelayRuntime(configuration: configuration, logger: PipelineHarness.logger)
            try await PushPathTests.serving(runtime) { url in
                let firehose = PushPathTests.emulator(url: url, clock: fixture.clock)
                let acknowledged = try await firehose.deliver(load)
                #expect(acknowledged == load.count)
            }
            let report = try await runtime.drain(deadline: SystemClock().now.advanced(by: .seconds(60)))
            #expect(report.remaining == 0 && report.deadLettered == 0)

            let indexed = fixture.hec.events
            #expect(
                indexed.map { $0.fields["event_id"]?.stringValue ?? "" }.sorted() == siemBound.map(\.eventID).sorted())
            #expect(
                indexed.allSatisfy {
                    ["audit", "conversation"].contains($0.searchEvent["source_kind"]?.stringValue ?? "")
                })

            let keys = try await s3.listKeys(prefix: "push")
            #expect(!keys.isEmpty)
            #expect(keys.allSatisfy { $0.hasPrefix("push/archive/") && $0.hasSuffix(".json.gz") })
            var archived: [JSONValue] = []
            for key in keys {
                let object = try await s3.getObject(key: key)
                #expect(object.status == 200)
                let text = try Gzip.decompress(object.body, maxBytes: 64 << 20)
                archived += try text.split(separator: UInt8(ascii: "\n")).map { try JSONParser.parse($0) }
            }
            #expect(archived.compactMap { $0["event_id"]?.stringValue }.sorted() == transcripts.map(\.eventID).sorted())
            #expect(archived.allSatisfy { $0["source_kind"]?.stringValue == "transcript" })

            // Redaction happened before any sink: no called number in clear, and the hash correlates.
            let everything =
                indexed.map { String(decoding: JSONWriter.encode($0.event), as: UTF8.self) }
                + archived.map { String(decoding: JSONWriter.encode($0), as: UTF8.self) }
            #expect(calledNumbers.allSatisfy { number in !everything.contains { $0.contains(number) } })
            let conversations = indexed.filter { $0.searchEvent["source_kind"]?.stringValue == "conversation" }
            #expect(
                conversations.allSatisfy {
                    $0.searchEvent["attributes"]?["ani"]?.stringValue?.hasPrefix("hmac-sha256:") == true
                })
            #expect(conversations.allSatisfy { $0.searchEvent["attributes"]?["dnis"] == nil })
        }
    }
}
