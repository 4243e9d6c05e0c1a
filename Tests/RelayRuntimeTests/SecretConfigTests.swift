import Foundation
import Logging
import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySinks
import RelayTesting
import Testing

/// How the configuration loader treats credentials: references only (unless
/// `allow_inline_secrets: true`), resolved at start-up with errors naming key and reference,
/// files re-read after a rejection and on the refresh interval.
@Suite("Secret references in the configuration")
struct SecretConfigTests {
    static let logger = Logger.quiet("ccrelay.tests.secrets")

    static func yaml(token: String, extra: String = "") -> String {
        """
        \(extra)
        sources:
          g: {type: genesys_audit, client_id: cid, client_secret: "${GENESYS_SECRET}"}
        sinks:
          s: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: "\(token)"}
        """
    }

    static let environment = Interpolation(environment: { name in
        ["GENESYS_SECRET": "genesys-secret-value", "HEC_TOKEN": "hec-token-value"][name]
    })

    @Test("a literal credential is refused at its key, with a message explaining references")
    func literalRefused() throws {
        let yaml = """
            sources:
              g: {type: genesys_audit, client_id: cid, client_secret: literal-genesys}
              c: {type: cxone_audit, tenant_id: t, access_key_id: ak, access_key_secret: literal-key, client_id: c, client_secret: literal-client}
            sinks:
              s: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: literal-hec}
              d: {type: datadog_logs, api_key: literal-dd}
              u: {type: sumo_logic, url: "https://endpoint1.collection.sumologic.com/receiver/v1/http/literalcode"}
            """
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: Self.environment).load(yaml: yaml)
        }
        let refused = (error?.problems ?? []).filter {
            $0.message.contains("must not be written into the configuration file")
        }
        #expect(
            Set(refused.map(\.path)) == [
                "sources.g.client_secret", "sources.c.access_key_secret", "sources.c.client_secret", "sinks.s.token",
                "sinks.d.api_key", "sinks.u.url",
            ])
        let message = refused.first?.message ?? ""
        for hint in ["${env:NAME}", "${file:", "${aws-secretsmanager:", "allow_inline_secrets: true"] {
            #expect(message.contains(hint))
        }
        let text = error?.description ?? ""
        for value in ["literal-genesys", "literal-key", "literal-client", "literal-hec", "literal-dd", "literalcode"] {
            #expect(!text.contains(value))
        }
    }

    @Test("allow_inline_secrets: true accepts literals; references are accepted either way")
    func inlineAllowed() throws {
        let inline = try ConfigLoader(interpolation: Self.environment).load(
            yaml: Self.yaml(token: "literal-hec", extra: "allow_inline_secrets: true"))
        let sink = try #require(inline.sinks.first as? SplunkHECSinkConfiguration)
        #expect(sink.token.value == "literal-hec")
        #expect(sink.token.reference == nil)
        #expect(inline.secrets.allowsInlineSecrets)

        let referenced = try ConfigLoader(interpolation: Self.environment).load(
            yaml: Self.yaml(token: "${env:HEC_TOKEN}"))
        let referencedSink = try #require(referenced.sinks.first as? SplunkHECSinkConfiguration)
        #expect(referencedSink.token.value == "hec-token-value")
        #expect(referencedSink.token.reference == "${env:HEC_TOKEN}")
        #expect("\(referencedSink.token)" == "Credential(${env:HEC_TOKEN})")
        #expect(referenced.secrets.statuses.map(\.reference.text) == ["${GENESYS_SECRET}", "${env:HEC_TOKEN}"])
        #expect(referenced.secrets.statuses.last?.usedBy == ["sinks.s.token"])
    }

    @Test("an unresolvable reference is a configuration error naming the key and the reference")
    func unresolvable() async throws {
        let missingEnv = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: Self.environment).load(yaml: Self.yaml(token: "${env:NOT_SET_ANYWHERE}"))
        }
        #expect(missingEnv?.problems.map(\.path) == ["sinks.s.token"])
        #expect(missingEnv?.problems.first?.message.contains("${env:NOT_SET_ANYWHERE}") == true)

        let missingFile = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: Self.environment).load(
                yaml: Self.yaml(token: "${file:/nonexistent/ccrelay/hec}"))
        }
        #expect(missingFile?.problems.map(\.path) == ["sinks.s.token"])
        #expect(missingFile?.problems.first?.message.contains("${file:/nonexistent/ccrelay/hec}") == true)

        // Secrets Manager with no provider of the AWS credential chain (no keys, no web identity, no
        // container endpoint, instance metadata disabled): refused while loading.
        let noCredentials = Interpolation(environment: { name in
            [
                "GENESYS_SECRET": "genesys-secret-value", "HEC_TOKEN": "hec-token-value",
                "AWS_EC2_METADATA_DISABLED": "true",
            ][name]
        })
        let noAWS = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: noCredentials).load(
                yaml: Self.yaml(
                    token: "${aws-secretsmanager:prod/hec#token}", extra: "secrets: {aws: {region: eu-west-1}}"))
        }
        #expect(noAWS?.problems.map(\.path) == ["sinks.s.token"])
        #expect(noAWS?.problems.first?.message.contains("${aws-secretsmanager:prod/hec#token}") == true)
        #expect(noAWS?.problems.first?.message.contains("AWS_ACCESS_KEY_ID") == true)

        // Secrets Manager references are for credentials only.
        let elsewhere = #expect(throws: ConfigError.self) {
            try ConfigLoader(interpolation: Self.environment).load(
                yaml: Self.yaml(token: "${HEC_TOKEN}").replacingOccurrences(
                    of: "https://splunk.example.com:8088", with: "${aws-secretsmanager:prod/endpoint}"))
        }
        #expect(elsewhere?.problems.map(\.path) == ["sinks.s.endpoint"])
    }

    @Test("a Secrets Manager secret that does not exist fails start-up naming the key and the reference (moto)")
    func unresolvableSecretsManager() async throws {
        let moto = try MotoEnvironment.current()
        let yaml = Self.yaml(
            token: "${aws-secretsmanager:ccrelay-test/absent-\(UUID().uuidString.prefix(8))#token}",
            extra: "secrets: {aws: {endpoint: \"\(moto.endpoint)\", region: us-east-1}}")
        let configuration = try ConfigLoader(interpolation: moto.interpolation(Self.environment)).load(yaml: yaml)
        let error = await #expect(throws: ConfigError.self) {
            try await configuration.secrets.resolve(logger: Self.logger)
        }
        #expect(error?.problems.map(\.path) == ["sinks.s.token"])
        let message = error?.problems.first?.message ?? ""
        #expect(message.contains("${aws-secretsmanager:ccrelay-test/absent-"))
        #expect(message.contains("ResourceNotFoundException"))
    }

    @Test(
        "a file secret is re-read after a rejection and on the refresh interval, keeping the last good value on failure"
    )
    func fileRefresh() async throws {
        try await withScratchDirectory("secrets") { directory in
            let path = directory + "/hec-token"
            try "first-token\n".write(toFile: path, atomically: true, encoding: .utf8)
            let configuration = try ConfigLoader(interpolation: Self.environment).load(
                yaml: Self.yaml(token: "${file:\(path)}", extra: "secrets: {refresh_secs: 60}"))
            let clock = ManualClock()
            configuration.secrets.use(transport: .init(), clock: clock, logger: Self.logger)
            let token = try #require(configuration.sinks.first as? SplunkHECSinkConfiguration).token
            #expect(token.value == "first-token")
            #expect(configuration.secrets.statuses.last?.modified != nil)

            // Rewritten on disk: a rejection of the old value picks the new one up at once.
            try "second-token\n".write(toFile: path, atomically: true, encoding: .utf8)
            clock.advance(by: .seconds(2))
            #expect(await token.reread(afterRejecting: "first-token"))
            #expect(token.value == "second-token")
            // Unchanged: the rejection stands.
            clock.advance(by: .seconds(2))
            #expect(await token.reread(afterRejecting: "second-token") == false)

            // Rewritten again: picked up by the refresh interval without any rejection.
            try "third-token".write(toFile: path, atomically: true, encoding: .utf8)
            await configuration.secrets.refreshDue()
            #expect(token.value == "second-token")
            clock.advance(by: .seconds(61))
            await configuration.secrets.refreshDue()
            #expect(token.value == "third-token")

            // Gone: the last good value stays, the failure is reported and retried sooner than the interval.
            try FileManager.default.removeItem(atPath: path)
            clock.advance(by: .seconds(61))
            await configuration.secrets.refreshDue()
            #expect(token.value == "third-token")
            let status = try #require(configuration.secrets.statuses.last)
            #expect(status.lastError?.contains("${file:\(path)}") == true)
            let retryAt = try #require(configuration.secrets.nextRefresh)
            #expect(clock.now.duration(to: retryAt) == .seconds(5))
        }
    }
}

/// The moto_server `scripts/test` starts (authentication on). Tests that need it fail with a clear
/// message when its variables are missing.
struct MotoEnvironment {
    var endpoint: String
    var accessKeyID: String
    var secretAccessKey: String

    static func current() throws -> MotoEnvironment {
        let environment = ProcessInfo.processInfo.environment
        let hint = "is not set: run scripts/test, which starts moto_server with authentication on for these tests"
        return MotoEnvironment(
            endpoint: try #require(environment["MOTO_ENDPOINT"], "MOTO_ENDPOINT \(hint)"),
            accessKeyID: try #require(environment["MOTO_ACCESS_KEY_ID"], "MOTO_ACCESS_KEY_ID \(hint)"),
            secretAccessKey: try #require(environment["MOTO_SECRET_ACCESS_KEY"], "MOTO_SECRET_ACCESS_KEY \(hint)"))
    }

    /// `base` with the AWS credentials of moto's test user added to the environment.
    func interpolation(_ base: Interpolation) -> Interpolation {
        let (keyID, secret, lookUp) = (accessKeyID, secretAccessKey, base.environment)
        var interpolation = base
        interpolation.environment = { name in
            switch name {
            case "AWS_ACCESS_KEY_ID": keyID
            case "AWS_SECRET_ACCESS_KEY": secret
            default: lookUp(name)
            }
        }
        return interpolation
    }
}
