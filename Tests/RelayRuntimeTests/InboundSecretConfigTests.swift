import Foundation
import RelayAWSCore
import RelayConfig
import RelayCore
import RelayHTTP
import RelayRuntime
import RelayTesting
import Testing

/// Keys that authenticate callers (receiver keys and passwords), the redaction HMAC key and alert
/// URLs and routing keys are credentials like outbound ones: references only, unless
/// `allow_inline_secrets: true`, and receiver keys and the HMAC key at least 16 bytes.
@Suite("Inbound secrets in the configuration")
struct InboundSecretConfigTests {
    static let environment = Interpolation(environment: { name in
        [
            "HEC_TOKEN": "hec-token-value", "SHORT": "x", "FIREHOSE_KEY": "firehose-key-0123456789",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-example", "AWS_REGION": "eu-west-1",
        ][name]
    })

    static func yaml(sources: String, extra: String = "") -> String {
        """
        \(extra)
        sources:
        \(sources)
        sinks:
          s: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: "${HEC_TOKEN}"}
        """
    }

    static let everyInboundSecret = """
          f: {type: firehose, access_keys: [a]}
          e: {type: eventbridge_api_destination, path: /e, auth: {type: api_key, values: [b]}}
          b: {type: eventbridge_api_destination, path: /b, auth: {type: basic, username: eb, password: c}}
        """

    static let redactionAndAlerts = """
        redaction: {key: d, fields: {attributes.ani: hash}}
        alerts:
          targets:
            hook: {type: slack, url: "https://hooks.slack.com/services/T0/B0/eeeeeeee"}
            pager: {type: pagerduty, routing_key: f}
        """

    @Test(
        "one-byte literal receiver keys, passwords, the redaction key and alert secrets are refused without allow_inline_secrets, at their YAML paths"
    )
    func literalsRefused() throws {
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: Self.environment).load(
                yaml: Self.yaml(sources: Self.everyInboundSecret, extra: Self.redactionAndAlerts))
        }
        let refused = (error?.problems ?? []).filter {
            $0.message.contains("must not be written into the configuration file")
        }
        #expect(
            Set(refused.map(\.path)) == [
                "sources.f.access_keys[0]", "sources.e.auth.values[0]", "sources.b.auth.password", "redaction.key",
                "alerts.targets.hook.url", "alerts.targets.pager.routing_key",
            ])
        let text = error?.description ?? ""
        #expect(!text.contains("eeeeeeee"))
        #expect(error?.problems.count == refused.count)
    }

    @Test(
        "with allow_inline_secrets, receiver keys, passwords and the HMAC key still need 16 bytes; so do references read at load"
    )
    func shortValuesRefused() throws {
        let sources =
            Self.everyInboundSecret
            + "\n  g: {type: firehose, path: /g, access_keys: [\"${SHORT}\", \"${FIREHOSE_KEY}\"]}"
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: Self.environment).load(
                yaml: Self.yaml(
                    sources: sources,
                    extra: "allow_inline_secrets: true\nredaction: {key: d, fields: {attributes.ani: hash}}"))
        }
        let short = (error?.problems ?? []).filter { $0.message.contains("at least 16 bytes") }
        #expect(
            Set(short.map(\.path)) == [
                "sources.f.access_keys[0]", "sources.e.auth.values[0]", "sources.b.auth.password", "redaction.key",
                "sources.g.access_keys[0]",
            ])
    }

    @Test("Secrets Manager references are accepted for access keys, API key values, passwords and the redaction key")
    func secretsManagerAccepted() throws {
        let sources = """
              f: {type: firehose, access_keys: ["${aws-secretsmanager:ccrelay/firehose#key}", "${FIREHOSE_KEY}"]}
              e: {type: eventbridge_api_destination, path: /e, auth: {type: api_key, values: ["${aws-secretsmanager:ccrelay/eb#key}"]}}
              b: {type: eventbridge_api_destination, path: /b, auth: {type: basic, username: eb, password: "${aws-secretsmanager:ccrelay/eb#password}"}}
            """
        let configuration = try ConfigLoader(interpolation: Self.environment).load(
            yaml: Self.yaml(
                sources: sources,
                extra: "redaction: {key: \"${aws-secretsmanager:ccrelay/redaction}\", fields: {attributes.ani: hash}}"))
        let usedBy = Set(configuration.secrets.statuses.flatMap(\.usedBy))
        for path in [
            "sources.f.access_keys[0]", "sources.f.access_keys[1]", "sources.e.auth.values[0]",
            "sources.b.auth.password", "redaction.key",
        ] {
            #expect(usedBy.contains(path))
        }
    }

    @Test(
        "a Secrets Manager access key shorter than 16 bytes fails start-up naming the key; a long one is accepted (moto)"
    )
    func shortSecretsManagerValueRefused() async throws {
        let moto = try MotoEnvironment.current()
        let client = SecretsManagerClient(
            region: "us-east-1", endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey),
            transport: HTTPTransport(), clock: SystemClock())
        let name = "ccrelay-test/firehose-\(UUID().uuidString.prefix(8))"
        _ = try await client.call(
            "CreateSecret",
            ["Name": .string(name), "SecretString": .string(#"{"short":"x","long":"long-firehose-key-0123456789"}"#)],
            naming: name)
        let sources = """
              f: {type: firehose, access_keys: ["${aws-secretsmanager:\(name)#long}", "${aws-secretsmanager:\(name)#short}"]}
            """
        let configuration = try ConfigLoader(interpolation: moto.interpolation(Self.environment)).load(
            yaml: Self.yaml(
                sources: sources, extra: "secrets: {aws: {endpoint: \"\(moto.endpoint)\", region: us-east-1}}"))
        let error = await #expect(throws: ConfigError.self) {
            try await configuration.secrets.resolve(logger: SecretConfigTests.logger)
        }
        #expect(error?.problems.map(\.path) == ["sources.f.access_keys[1]"])
        #expect(error?.problems.first?.message.contains("at least 16 bytes") == true)
        #expect(!(error?.description.contains("long-firehose-key") ?? true))
    }
}
