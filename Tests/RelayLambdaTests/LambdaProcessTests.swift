import Foundation
import Logging
import RelayAWS
import RelayAWSCore
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

/// The real `ccrelay lambda` binary against the sandbox Runtime API, as Lambda runs the bootstrap.
@Suite(.serialized) struct LambdaProcessTests {
    /// The `ccrelay` executable built next to the test bundle.
    static var binary: URL { BuiltExecutable.url(named: "ccrelay") }

    static func writeConfig(_ yaml: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ccrelay-lambda-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Starts the bootstrap; when it exits, the emulator closes, so no wait outlives it.
    static func launch(
        runtimeAPI: String, config: URL, handler: String?, maxInvocations: Int, lambda: LambdaRuntimeEmulator,
        environment extra: [String: String] = [:]
    ) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["lambda", "--max-invocations", String(maxInvocations), "--log-level", "error"]
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_LAMBDA_RUNTIME_API"] = runtimeAPI
        environment["CCRELAY_CONFIG"] = config.path
        environment["CCRELAY_HANDLER"] = handler
        environment.merge(extra) { $1 }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.terminationHandler = { _ in lambda.close() }
        try process.run()
        return process
    }

    static func deadlineMs(in seconds: Int64) -> Int64 {
        SystemClock().now.timestamp.millisecondsSinceEpoch + seconds * 1000
    }

    @Test func firehoseTransformationThroughTheRuntimeAPI() async throws {
        let config = try Self.writeConfig(
            """
            lambda:
              handler: scheduled-extraction
              firehose_transform:
                format: splunk
                drop_pattern: {"target_type": ["UserPresence"]}
            redaction:
              key: ${env:REDACTION_KEY}
              fields:
                actor_id: hash
            """)
        defer { try? FileManager.default.removeItem(at: config) }
        let lambda = LambdaRuntimeEmulator()
        try await Sandbox.withRunning(lambda: lambda, logger: LambdaFixtures.logger) { runtimeAPI in
            let good = lambda.invoke(
                payload: LambdaFixtures.firehoseEvent([
                    ("a", SampleEvents.genesysEventBridgeAudit(), false),
                    ("b", SampleEvents.genesysEventBridgeAudit(id: "e-2", entityType: "UserPresence"), false),
                    ("c", "{not json", false),
                ]), deadlineMs: Self.deadlineMs(in: 60))
            let bad = lambda.invoke(payload: Array(#"{"records": 7}"#.utf8), deadlineMs: Self.deadlineMs(in: 60))
            // The environment's handler wins over lambda.handler.
            let process = try Self.launch(
                runtimeAPI: runtimeAPI, config: config, handler: "firehose-transform", maxInvocations: 2,
                lambda: lambda,
                environment: ["REDACTION_KEY": "0123456789abcdef0123456789abcdef"])
            let first = await lambda.answer(for: good)
            let second = await lambda.answer(for: bad)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            guard case .response(let body)? = first else {
                Issue.record("no response: \(String(describing: first))")
                return
            }
            let answers = try LambdaFixtures.answers(body)
            #expect(answers["a"]?.result == "Ok")
            #expect(answers["b"]?.result == "Dropped")
            #expect(answers["c"]?.result == "ProcessingFailed")
            let envelope = try JSONParser.parse(try #require(answers["a"]?.data))
            let event = CompactKeys.expanded(try #require(envelope["event"]?.objectValue))
            #expect(event["actor_id"]?.stringValue?.hasPrefix("hmac-sha256:") == true)
            guard case .error(let type, let message, let header)? = second else {
                Issue.record("malformed payload not answered with an error: \(String(describing: second))")
                return
            }
            #expect(type == "InvalidPayload")
            #expect(header == "InvalidPayload")
            #expect(message.contains("records"))
            #expect(lambda.refusedAnswers.isEmpty)
        }
    }

    @Test func configurationProblemIsAnInitError() async throws {
        let config = try Self.writeConfig("lambda:\n  handler: transform-everything\n")
        defer { try? FileManager.default.removeItem(at: config) }
        let lambda = LambdaRuntimeEmulator()
        try await Sandbox.withRunning(lambda: lambda, logger: LambdaFixtures.logger) { runtimeAPI in
            let process = try Self.launch(
                runtimeAPI: runtimeAPI, config: config, handler: nil, maxInvocations: 1, lambda: lambda)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1)
            guard case .error(let type, let message, _)? = lambda.initErrors.first else {
                Issue.record("no init error")
                return
            }
            #expect(type == "InvalidConfiguration")
            #expect(message.contains("lambda.handler"))
        }
    }

    /// moto's endpoint and credentials (`scripts/test` starts it), or `nil` without them.
    static var moto: (endpoint: String, keyID: String, secret: String)? {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["MOTO_ENDPOINT"], let keyID = environment["MOTO_ACCESS_KEY_ID"],
            let secret = environment["MOTO_SECRET_ACCESS_KEY"]
        else { return nil }
        return (endpoint, keyID, secret)
    }

    /// Scheduled extraction deployed as the generated template deploys it: the configuration names
    /// no state store, the template's CCRELAY_STATE_BUCKET and CCRELAY_HANDLER choose them.
    @Test(.enabled(if: moto != nil, "needs MOTO_ENDPOINT (scripts/test starts moto_server)"))
    func scheduledExtractionResumesAcrossInvocations() async throws {
        let moto = try #require(Self.moto)
        let bucket = "ccrelay-lambda-state-\(UInt32.random(in: 0...UInt32.max))"
        let s3 = S3Client(
            bucket: bucket, region: "us-east-1", endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyID: moto.keyID, secretAccessKey: moto.secret),
            transport: HTTPTransport(), clock: SystemClock())
        try await s3.createBucket()
        let clock = SystemClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock
        )
        let hec = SplunkHECEmulator(clock: clock)
        let lambda = LambdaRuntimeEmulator()
        try await Sandbox.withRunning(genesys: org, hec: hec, logger: LambdaFixtures.logger) { endpoints in
            let config = try Self.writeConfig(
                """
                sources:
                  genesys:
                    type: genesys_audit
                    base_url: \(endpoints.genesysURL)
                    client_id: \(org.configuration.clientID)
                    client_secret: ${env:GENESYS_SECRET}
                    initial_lookback_secs: 3600
                sinks:
                  splunk:
                    type: splunk_hec
                    endpoint: \(endpoints.hecURL)
                    token: ${env:HEC_TOKEN}
                    index: ccas
                lambda:
                  scheduled_extraction: {safety_margin_secs: 5, delivery_reserve_secs: 10}
                """)
            defer { try? FileManager.default.removeItem(at: config) }
            org.generate(count: 15)
            org.makeAllVisible()
            try await Sandbox.withRunning(lambda: lambda, logger: LambdaFixtures.logger) { runtimeAPI in
                let process = try Self.launch(
                    runtimeAPI: runtimeAPI, config: config, handler: "scheduled-extraction", maxInvocations: 2,
                    lambda: lambda,
                    environment: [
                        "GENESYS_SECRET": org.configuration.clientSecret,
                        "HEC_TOKEN": SplunkHECConfiguration.defaultToken,
                        "CCRELAY_STATE_BUCKET": bucket, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": moto.endpoint,
                        "AWS_ACCESS_KEY_ID": moto.keyID, "AWS_SECRET_ACCESS_KEY": moto.secret,
                    ])
                let first = lambda.invoke(payload: Array("{}".utf8), deadlineMs: Self.deadlineMs(in: 120))
                let firstAnswer = await lambda.answer(for: first)
                #expect(firstAnswer?.json?["delivered"]?.int64Value == 15)
                #expect(firstAnswer?.json?["sources"]?["genesys"]?["cycle"]?.stringValue == "completed")
                // The second run re-reads the look-back overlap; nothing reaches the index twice.
                let second = lambda.invoke(payload: Array("{}".utf8), deadlineMs: Self.deadlineMs(in: 120))
                let secondAnswer = await lambda.answer(for: second)
                #expect(secondAnswer?.json?["delivered"]?.int64Value == 0)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                #expect(lambda.initErrors.isEmpty)
            }
            let ids = hec.events.compactMap { $0.fields["event_id"]?.stringValue }
            #expect(ids.count == 15)
            #expect(Set(ids).count == 15)
        }
        // Where the template's role may write: ccrelay-state/ in the state bucket.
        #expect(try await s3.getObject(key: "ccrelay-state/genesys.json").status == 200)
    }
}
