import Foundation
import Logging
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
import RelaySinks
import RelayTesting
import Testing

/// `ccrelay check` per secret, and the re-read on rejection at the Genesys token endpoint and at
/// the Datadog intake.
@Suite("Secrets: check and re-read on rejection")
struct SecretCheckTests {
    @Test(
        "check names each secret's origin, file time or Secrets Manager version, and the verdict of its users; a stale Genesys secret is re-read on 401"
    )
    func checkReportsSecrets() async throws {
        let moto = try MotoEnvironment.current()
        let client = SecretsManagerClient(
            region: "us-east-1", endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey),
            transport: HTTPTransport(), clock: SystemClock())
        let name = "ccrelay-test/check-\(UUID().uuidString.prefix(8))"
        let created = try await client.call(
            "CreateSecret", ["Name": .string(name), "SecretString": .string(#"{"token":"sandbox-hec-token"}"#)],
            naming: name)
        let version = try #require(created["VersionId"]?.stringValue)
        let hecReference = "${aws-secretsmanager:\(name)#token}"

        try await PipelineHarness.with { harness in
            let secretPath = harness.directory + "/genesys-secret"
            try "stale-secret-value\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
            let yaml =
                harness.configurationYAML(hecToken: "\"\(hecReference)\"")
                .replacingOccurrences(
                    of: "client_secret: ${GENESYS_SECRET}", with: "client_secret: ${file:\(secretPath)}")
                + "\nsecrets: {aws: {endpoint: \"\(moto.endpoint)\", region: us-east-1}}\n"
            let configuration = try ConfigLoader(interpolation: moto.interpolation(harness.interpolation)).load(
                yaml: yaml)
            try await configuration.secrets.resolve(logger: PipelineHarness.logger)
            // The mounted secret is rotated after ccrelay read it: Genesys answers 401 to the stale value,
            // and the re-read finds the new one.
            try "\(harness.org.configuration.clientSecret)\n".write(
                toFile: secretPath, atomically: true, encoding: .utf8)

            let report = try await CredentialCheck.run(
                configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
            #expect(report.results.map(\.line) == ["source genesys: valid", "sink splunk: valid"])
            #expect(report.exitCode == 0)
            #expect(report.secrets.count == 2)
            let file = try #require(report.secrets.first { $0.secret.reference.text == "${file:\(secretPath)}" })
            #expect(
                file.line.hasPrefix(
                    "secret ${file:\(secretPath)} (sources.genesys.client_secret): file \(secretPath), modified 20"))
            #expect(file.line.hasSuffix("; source genesys: valid"))
            let manager = try #require(report.secrets.first { $0.secret.reference.text == hecReference })
            #expect(
                manager.line
                    == "secret \(hecReference) (sinks.splunk.token): AWS Secrets Manager secret \(name), JSON key token, "
                    + "version \(version); sink splunk: valid")
            for line in report.lines {
                #expect(!line.contains("sandbox-hec-token") && !line.contains(harness.org.configuration.clientSecret))
            }
        }
    }

    @Test("a CXone access key secret rotated on disk is re-read when the token endpoint refuses the stale one")
    func cxoneSecretRotation() async throws {
        try await CXoneHarness.with { harness in
            let path = harness.directory + "/cxone-access-key-secret"
            try "stale-access-key-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
            let yaml = harness.configurationYAML().replacingOccurrences(
                of: "access_key_secret: ${CXONE_ACCESS_KEY_SECRET}", with: "access_key_secret: ${file:\(path)}")
            let configuration = try ConfigLoader(interpolation: harness.interpolation).load(yaml: yaml)
            let runtime = try RelayRuntime(
                configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
            // Rotated after ccrelay read it: the first token request is refused, the re-read finds the new key.
            try "\(harness.tenant.configuration.accessKeySecret)\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            let report = try await harness.runOnce(runtime)
            #expect(report.failedSources.isEmpty)
            #expect(report.succeeded)
        }
    }

    @Test("a Datadog 403 re-reads the API key: a rotated key is used at once, an unchanged one names the secret")
    func datadogKeyRotation() async throws {
        let intake = DatadogIntakeEmulator(
            configuration: DatadogIntakeConfiguration(apiKeys: ["dd-key-one", "dd-key-two"]))
        let scratch = try ScratchDirectory("dd")
        defer { scratch.remove() }
        let directory = scratch.path
        let keyPath = directory + "/dd-api-key"
        try "dd-key-one\n".write(toFile: keyPath, atomically: true, encoding: .utf8)

        try await Sandbox.withRunning(datadog: intake, logger: PipelineHarness.logger) { url in
            let configuration = try ConfigLoader().load(
                yaml: """
                    allow_inline_secrets: true
                    sources:
                      fh: {type: firehose, access_keys: [push-key-0123456789]}
                    sinks:
                      dd: {type: datadog_logs, endpoint: "\(url)", api_key: "${file:\(keyPath)}"}
                    """)
            let clock = ManualClock()
            configuration.secrets.use(transport: HTTPTransport(), clock: clock, logger: PipelineHarness.logger)
            let sink = DatadogLogsSink(
                configuration: try #require(configuration.sinks.first as? DatadogLogsSinkConfiguration),
                transport: HTTPTransport())
            let now = SystemClock().now.timestamp
            func entry(_ id: Int64) -> OutboxEntry {
                let event = Event(
                    eventID: EventID.make(platform: .genesys, nativeID: "dd-\(id)"), timestamp: now, platform: .genesys,
                    sourceKind: "audit", eventType: "USER_UPDATED")
                return OutboxEntry(
                    id: id, eventID: event.eventID, timestamp: now, platform: .genesys, payload: event.encoded(),
                    enqueuedAt: now)
            }
            #expect(await sink.deliver([entry(1)]) == .delivered)

            // Rotated on disk, then the old key revoked: the 403 makes the sink re-read and resend.
            try "dd-key-two\n".write(toFile: keyPath, atomically: true, encoding: .utf8)
            intake.revokeAPIKey("dd-key-one")
            #expect(await sink.deliver([entry(2)]) == .delivered)

            // Revoked with nothing newer on disk: the rejection stands and names the reference.
            intake.revokeAPIKey("dd-key-two")
            clock.advance(by: .seconds(2))  // past the per-secret re-read gap
            guard case .credentialRejected(let reason) = await sink.deliver([entry(3)]) else {
                Issue.record("expected the credential to be rejected")
                return
            }
            #expect(reason.contains("${file:\(keyPath)}"))
            #expect(reason.contains("no newer value"))
            #expect(!reason.contains("dd-key-two"))
            #expect(intake.logs.count == 2)
        }
    }
}
