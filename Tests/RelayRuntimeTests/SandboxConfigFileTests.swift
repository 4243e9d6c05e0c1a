import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayRuntime
import RelaySandbox
import RelayTesting
import Testing

/// The configurations `ccrelay demo` and `ccrelay sandbox --write-config` write for the running sandbox.
@Suite("Sandbox configuration files", .serialized)
struct SandboxConfigFileTests {
    @Test("the written file loads and `once` with it delivers every record of the sandbox org", .timeLimit(.minutes(2)))
    func deliversWithWrittenFile() async throws {
        let logger = Logger.quiet("ccrelay.tests")
        let clock = SystemClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock
        )
        let hec = SplunkHECEmulator()
        let scratch = try ScratchDirectory("sandbox-config")
        defer { scratch.remove() }
        try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
            org.generate(count: 40)
            let path = scratch.file("ccrelay.yaml")
            var file = SandboxConfigFile(
                genesysURL: endpoints.genesysURL, clientID: org.configuration.clientID,
                clientSecret: org.configuration.clientSecret, hecURL: endpoints.hecURL,
                hecToken: SplunkHECConfiguration.defaultAckToken, statePath: scratch.file("state/state.sqlite"))
            file.firehoseAccessKey = "sandbox-firehose-key"
            try file.save(to: path)
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)

            let configuration = try ConfigLoader().load(path: path)
            #expect(configuration.sources.map(\.name).sorted() == ["firehose", "genesys"])
            let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
            let report = try await runtime.whileRunning {
                try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(60)))
            }
            #expect(report.succeeded)
            let verification = DemoVerification.compare(
                generatedNativeIDs: org.generatedIDs,
                indexedEventIDs: hec.events.compactMap { $0.fields["event_id"]?.stringValue })
            #expect(verification.missing == 0)
            #expect(verification.delivered == 40)
        }
    }

    @Test("a `$` in a value is written as `$$`, so no reference is read from a credential")
    func dollarIsLiteral() throws {
        let file = SandboxConfigFile(
            genesysURL: "http://127.0.0.1:1", clientID: "id", clientSecret: "se${HOME}cret",
            hecURL: "http://127.0.0.1:2",
            hecToken: "token", statePath: "/tmp/x/state.sqlite")
        #expect(file.text.contains("client_secret: \"se$${HOME}cret\""))
        let configuration = try ConfigLoader(interpolation: Interpolation(environment: { _ in nil })).load(
            yaml: file.text)
        #expect(configuration.sources.map(\.name) == ["genesys"])
    }

    @Test(
        "sandbox --write-config: validate accepts the file and once runs with it while the sandbox runs",
        .timeLimit(.minutes(2)))
    func sandboxWritesConfig() throws {
        let scratch = try ScratchDirectory("sandbox-write-config")
        defer { scratch.remove() }
        let path = scratch.file("sandbox.yaml")
        let (sandbox, output, _) = try CommandLineTests.launch(["sandbox", "--write-config", path])
        defer {
            sandbox.terminate()
            sandbox.waitUntilExit()
        }
        // The file is written before the first line.
        _ = try firstLine(of: output.fileHandleForReading)
        let validated = try CommandLineTests.runToEnd(["validate", "--config", path])
        #expect(validated.status == 0, "\(validated.errors)")
        let once = try CommandLineTests.runToEnd(["once", "--config", path, "--deadline-secs", "60"])
        #expect(once.status == 0, "\(once.errors)")
        #expect(once.output.contains("failed_sources=0"))
        #expect(FileManager.default.fileExists(atPath: scratch.file("ccrelay-state/state.sqlite")))
    }

    @Test(
        "demo prints its status page and the configuration it runs from, which validate accepts while it runs",
        .timeLimit(.minutes(2)))
    func demoWritesConfig() throws {
        let scratch = try ScratchDirectory("demo-config")
        defer { scratch.remove() }
        let (demo, output, _) = try CommandLineTests.launch([
            "demo", "--duration", "3", "--state-dir", scratch.path, "--records-per-second", "5",
        ])
        var lines: [String] = []
        while !lines.contains(where: { $0.hasPrefix("status page at http://127.0.0.1:") }) {
            let line = try firstLine(of: output.fileHandleForReading)
            if line.isEmpty, !demo.isRunning { break }
            lines.append(line)
        }
        let path = scratch.file("ccrelay.yaml")
        #expect(lines.contains { $0.hasPrefix("configuration in \(path)") })
        let validated = try CommandLineTests.runToEnd(["validate", "--config", path])
        #expect(validated.status == 0, "\(validated.errors)")
        _ = output.fileHandleForReading.readDataToEndOfFile()
        demo.waitUntilExit()
        #expect(demo.terminationStatus == 0)
    }
}

/// The next line of `handle` (without its newline); empty at the end.
private func firstLine(of handle: FileHandle) throws -> String {
    var bytes: [UInt8] = []
    while let byte = try handle.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") { bytes.append(byte) }
    return String(decoding: bytes, as: UTF8.self)
}
