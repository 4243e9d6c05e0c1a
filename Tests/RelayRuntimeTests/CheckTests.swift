import Foundation
import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import Testing

@Suite("ccrelay check")
struct CheckTests {
    func configuration(_ harness: PipelineHarness, yaml: String? = nil, genesysSecret: String? = nil) throws
        -> RelayConfiguration
    {
        let secret = genesysSecret ?? harness.org.configuration.clientSecret
        let interpolation = Interpolation(environment: { $0 == "GENESYS_SECRET" ? secret : nil })
        return try ConfigLoader(interpolation: interpolation).load(yaml: yaml ?? harness.configurationYAML())
    }

    func check(_ configuration: RelayConfiguration, _ harness: PipelineHarness) async throws -> CredentialCheckReport {
        try await CredentialCheck.run(
            configuration: configuration, clock: harness.clock, logger: PipelineHarness.logger)
    }

    @Test("every credential valid: one line per component, exit 0, and the state store is not touched")
    func allValid() async throws {
        try await PipelineHarness.with { harness in
            let report = try await check(try configuration(harness), harness)
            #expect(report.results.map(\.line) == ["source genesys: valid", "sink splunk: valid"])
            #expect(report.exitCode == 0)
            #expect(!FileManager.default.fileExists(atPath: harness.directory + "/state.sqlite"))
            #expect(harness.hec.events.isEmpty)
        }
    }

    @Test("a rejected HEC token is reported with HEC's code and exits 1")
    func rejectedSink() async throws {
        try await PipelineHarness.with { harness in
            let yaml = harness.configurationYAML(hecToken: "rotated-away-token")
            let report = try await check(try configuration(harness, yaml: yaml), harness)
            let sink = try #require(report.results.first { $0.name == "splunk" })
            guard case .rejected(let reason) = sink.status else {
                Issue.record("expected rejected, got \(sink.status)")
                return
            }
            #expect(reason.contains("code 4"))
            #expect(!sink.line.contains("rotated-away-token"))
            #expect(report.exitCode == 1)
        }
    }

    @Test("a wrong Genesys client secret is rejected, without the secret in the line")
    func rejectedSource() async throws {
        try await PipelineHarness.with { harness in
            let report = try await check(try configuration(harness, genesysSecret: "wrong-secret-value"), harness)
            let source = try #require(report.results.first { $0.name == "genesys" })
            #expect(source.line.hasPrefix("source genesys: rejected ("))
            #expect(!source.line.contains("wrong-secret-value"))
            #expect(report.exitCode == 1)
        }
    }

    @Test("an unreachable destination is unknown, not rejected: exit 0")
    func unreachable() async throws {
        try await PipelineHarness.with { harness in
            let yaml = harness.configurationYAML()
                .replacingOccurrences(of: harness.endpoints.hecURL, with: "http://127.0.0.1:1")
                .replacingOccurrences(of: "    index: ccas\n", with: "    index: ccas\n    request_timeout_secs: 1\n")
            let report = try await check(try configuration(harness, yaml: yaml), harness)
            let sink = try #require(report.results.first { $0.name == "splunk" })
            #expect(sink.line.hasPrefix("sink splunk: unknown ("))
            #expect(report.exitCode == 0)
        }
    }

    @Test("the binary exits 2 for an invalid configuration and 1 for a rejected credential")
    func commandLine() async throws {
        try await PipelineHarness.with { harness in
            let directory = harness.directory
            let invalid = directory + "/invalid.yaml"
            try "sinks: {s: {type: splunk_hec}}".write(toFile: invalid, atomically: true, encoding: .utf8)
            let invalidRun = try CommandLineTests.runToEnd(["check", "--config", invalid])
            #expect(invalidRun.status == 2)

            let rejected = directory + "/rejected.yaml"
            try harness.configurationYAML(hecToken: "rotated-away-token").write(
                toFile: rejected, atomically: true, encoding: .utf8)
            let run = try CommandLineTests.runToEnd(
                ["check", "--config", rejected, "--log-level", "critical"],
                environment: ["GENESYS_SECRET": harness.org.configuration.clientSecret])
            #expect(run.status == 1)
            #expect(run.output.contains("source genesys: valid"))
            #expect(run.output.contains("sink splunk: rejected"))
        }
    }
}
