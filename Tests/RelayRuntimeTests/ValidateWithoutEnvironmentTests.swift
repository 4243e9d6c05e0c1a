import Foundation
import RelayConfig
import RelayCore
import RelayRuntime
import RelaySinks
import Testing

@Suite("validate --no-environment")
struct ValidateWithoutEnvironmentTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ccrelay.example.yaml").path

    @Test("the example passes without its environment variables; each reference stands for the placeholder")
    func examplePasses() throws {
        // The environment says nothing: were a reference read, the load would fail naming it.
        var interpolation = Interpolation.withoutEnvironment()
        interpolation.environment = { _ in nil }
        interpolation.readFile = { path in path == Self.example ? Interpolation.readFileContents(path) : nil }
        let configuration = try ConfigLoader(interpolation: interpolation).load(path: Self.example)
        #expect(configuration.sources.map(\.name) == ["genesys_audit"])
        let sink = try #require(configuration.sinks.first as? SplunkHECSinkConfiguration)
        #expect(sink.token.value == Interpolation.placeholder)
    }

    @Test("without the mode the same file fails, naming the unset variable")
    func readsReferencesByDefault() throws {
        let loader = ConfigLoader(interpolation: Interpolation(environment: { _ in nil }))
        let error = try #require(throws: ConfigError.self) { try loader.load(path: Self.example) }
        #expect("\(error)".contains("GENESYS_CLIENT_SECRET"))
    }

    @Test("structural errors are still reported; a value written as a reference is taken as plausible")
    func structureStillChecked() throws {
        let yaml = """
            state: {postgres: {url: "${env:DATABASE_URL}"}}
            server: {listen: "${env:LISTEN}"}
            sources:
              g: {type: genesys_audit, client_id: "${ID}", client_secret: "${file:/nowhere/secret}", poll_interval_secs: "${POLL}", page_size: 9000}
              fh: {type: firehose, access_keys: ["${env:FIREHOSE_KEY}"]}
            sinks:
              sumo: {type: sumo_logic, url: "${SUMO_URL}"}
              s: {type: splunk_hec, endpoints: ["${HEC_URL}"], token: "${TOKEN}", batch: "${BATCH}", colour: blue}
            """
        let loader = ConfigLoader(interpolation: .withoutEnvironment())
        let error = try #require(throws: ConfigError.self) { try loader.load(yaml: yaml) }
        #expect(error.problems.map(\.path).sorted() == ["sinks.s.batch", "sinks.s.colour", "sources.g.page_size"])
    }

    @Test("the command: exit 0 on the example without its variables, exit 2 with the path of a structural error")
    func command() throws {
        let passed = try CommandLineTests.runToEnd(["validate", "--no-environment", "--config", Self.example])
        #expect(passed.status == 0)
        #expect(passed.output.contains("OK"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ccrelay-structure-\(UUID().uuidString).yaml")
        try """
        sources:
          g: {type: genesys_audit, client_id: "${ID}", client_secret: "${SECRET}", poll_interval_secs: -1}
        sinks:
          s: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: "${TOKEN}"}
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let failed = try CommandLineTests.runToEnd(["validate", "--no-environment", "--config", file.path])
        #expect(failed.status == 2)
        #expect(failed.errors.contains("sources.g.poll_interval_secs"))
    }
}
