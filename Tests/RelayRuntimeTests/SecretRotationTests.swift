import Foundation
import RelayAWS
import RelayAWSCore
import RelayAlerts
import RelayConfig
import RelayCore
import RelayDemo
import RelayHTTP
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting
import Testing

/// A HEC token rotated while events flow, through the whole pipeline: Genesys org → ccrelay → HEC,
/// the token read from AWS Secrets Manager (the real moto_server of `scripts/test`, authentication
/// on) or from a file, alerts to a webhook receiver.
@Suite("Secret rotation end to end")
struct SecretRotationTests {
    static let firstToken = "first-hec-token"
    static let secondToken = "second-hec-token"

    /// The sandbox with a HEC that knows both tokens (the one in use and its successor), all on one
    /// `ManualClock`.
    static func withHarness<T: Sendable>(_ body: @Sendable (PipelineHarness) async throws -> T) async throws -> T {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: clock)
        let hec = SplunkHECEmulator(
            configuration: SplunkHECConfiguration(tokens: [firstToken: ["ccas"], secondToken: ["ccas"]]), clock: clock)
        let scratch = try ScratchDirectory("rotation")
        defer { scratch.remove() }
        let directory = scratch.path
        return try await Sandbox.withRunning(genesys: org, hec: hec, logger: PipelineHarness.logger) { endpoints in
            try await body(
                PipelineHarness(clock: clock, org: org, hec: hec, endpoints: endpoints, directory: directory))
        }
    }

    /// The harness's configuration with the HEC token taken from `reference`, secrets resolved.
    static func runtime(
        _ harness: PipelineHarness, token reference: String, secrets: String, interpolation: Interpolation
    ) async throws
        -> RelayRuntime
    {
        let yaml = harness.configurationYAML(hecToken: "\"\(reference)\"") + "\n" + secrets
        let configuration = try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
        try await configuration.secrets.resolve(clock: harness.clock, logger: PipelineHarness.logger)
        return try RelayRuntime(configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
    }

    /// Lets the alert service evaluate once more (its clock is its own, so the pipeline's driven
    /// clock never wakes it).
    static func evaluateAlerts(_ clock: ManualClock, evaluateInterval: Duration) async {
        await clock.waitForSleepers(count: 1)
        clock.advance(by: evaluateInterval)
        await clock.waitForSleepers(count: 1)
    }

    @Test(
        "a token rotated in Secrets Manager after HEC revoked the old one: one alert for the window, then everything delivered once"
    )
    func secretsManagerRotation() async throws {
        let moto = try MotoEnvironment.current()
        let client = SecretsManagerClient(
            region: "us-east-1", endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey),
            transport: HTTPTransport(), clock: SystemClock())
        let name = "ccrelay-test/hec-\(UUID().uuidString.prefix(8))"
        _ = try await client.call(
            "CreateSecret", ["Name": .string(name), "SecretString": .string(#"{"token":"\#(Self.firstToken)"}"#)],
            naming: name)
        let reference = "${aws-secretsmanager:\(name)#token}"
        let receiver = WebhookReceiver()
        let alertClock = ManualClock()
        let alerting = AlertsConfiguration(resolveAfter: .seconds(30))

        let verification = try await Self.withHarness { harness in
            try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { hookURL in
                let runtime = try await Self.runtime(
                    harness, token: reference,
                    secrets:
                        "secrets:\n  refresh_secs: 300\n  aws: {endpoint: \"\(moto.endpoint)\", region: us-east-1}",
                    interpolation: moto.interpolation(harness.interpolation))
                var configuration = alerting
                configuration.targets = [AlertTarget(name: "ops", kind: .webhook, url: hookURL + "/hooks/ops")]
                let alerts = AlertService(
                    configuration: configuration, runtime: runtime, clock: alertClock, logger: PipelineHarness.logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await alerts.run() }

                    // Events flow with the first token.
                    harness.org.generate(count: 100)
                    harness.clock.advance(by: .seconds(1))
                    #expect(try await harness.runOnce(runtime).succeeded)
                    await Self.evaluateAlerts(alertClock, evaluateInterval: alerting.evaluateInterval)

                    // HEC revokes the first token before the secret has its successor: the rejection
                    // stands (re-reading finds the same version) and intake halts.
                    harness.hec.revokeToken(Self.firstToken)
                    harness.org.generate(count: 100)
                    harness.clock.advance(by: .seconds(60))
                    let window = try await harness.runOnce(runtime, within: .seconds(600))
                    #expect(window.remaining == 100)
                    #expect(window.deadLettered == 0)
                    let rejection = try #require(runtime.health.rejection(of: "splunk"))
                    #expect(rejection.contains(reference))
                    #expect(rejection.contains("code 4"))
                    #expect(!rejection.contains(Self.firstToken))
                    await Self.evaluateAlerts(alertClock, evaluateInterval: alerting.evaluateInterval)
                    await receiver.waitForPosts(count: 1)

                    // The secret is rotated: the next attempt re-reads it, the halted intake resumes.
                    let put = try await client.call(
                        "PutSecretValue",
                        ["SecretId": .string(name), "SecretString": .string(#"{"token":"\#(Self.secondToken)"}"#)],
                        naming: name)
                    harness.org.generate(count: 100)
                    harness.clock.advance(by: .seconds(60))
                    let recovered = try await harness.runOnce(runtime)
                    // Required, so a failure ends the test instead of waiting for a recovery alert.
                    try #require(recovered.succeeded)
                    try #require(runtime.health.rejection(of: "splunk") == nil)
                    let status = try #require(
                        runtime.configuration.secrets.statuses.first { $0.reference.text == reference })
                    #expect(status.version == put["VersionId"]?.stringValue)

                    // Clear for the resolve period: one recovery, then nothing more.
                    await Self.evaluateAlerts(alertClock, evaluateInterval: alerting.evaluateInterval)
                    await Self.evaluateAlerts(alertClock, evaluateInterval: alerting.evaluateInterval)
                    await receiver.waitForPosts(count: 2)
                    await Self.evaluateAlerts(alertClock, evaluateInterval: alerting.evaluateInterval)
                    group.cancelAll()
                }
                return harness.verification
            }
        }
        #expect(verification == DemoVerification(generated: 300, delivered: 300, duplicates: 0, missing: 0))
        let posts = receiver.posts
        #expect(posts.map { $0.json["alert"] } == ["credential_rejected", "credential_rejected"])
        #expect(posts.map { $0.json["state"] } == ["firing", "resolved"])
        let message = posts.first?.json["message"]?.stringValue ?? ""
        #expect(message.contains(reference))
        #expect(!message.contains(Self.firstToken) && !message.contains(Self.secondToken))
    }

    @Test(
        "a file secret rewritten on disk before HEC revokes the old token: picked up on the first rejection, nothing halts"
    )
    func fileRotation() async throws {
        let report = try await Self.withHarness { harness in
            let path = harness.directory + "/hec-token"
            try "\(Self.firstToken)\n".write(toFile: path, atomically: true, encoding: .utf8)
            let runtime = try await Self.runtime(
                harness, token: "${file:\(path)}", secrets: "secrets: {refresh_secs: 3600}",
                interpolation: harness.interpolation)

            harness.org.generate(count: 100)
            harness.clock.advance(by: .seconds(1))
            #expect(try await harness.runOnce(runtime).succeeded)

            // The mount is updated, then HEC revokes the old token, long before the refresh interval.
            try "\(Self.secondToken)\n".write(toFile: path, atomically: true, encoding: .utf8)
            harness.hec.revokeToken(Self.firstToken)
            harness.org.generate(count: 100)
            harness.clock.advance(by: .seconds(60))
            let rotated = try await harness.runOnce(runtime)
            #expect(rotated.succeeded)
            // The worker never saw a rejection: the retry with the new value happened inside the sink.
            #expect(runtime.telemetry.sink("splunk").failedAttempts == 0)
            #expect(runtime.health.rejectedSinks.isEmpty)
            return harness.verification
        }
        #expect(report == DemoVerification(generated: 200, delivered: 200, duplicates: 0, missing: 0))
    }
}
