import Foundation
import Logging
import RelayAlerts
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting
import Testing

/// The real `ccrelay` binary, run as a user runs it.
@Suite("Command line", .serialized)
struct CommandLineTests {
    /// The `ccrelay` executable built next to the test bundle.
    static var binary: URL { BuiltExecutable.url(named: "ccrelay") }

    static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, output, errors)
    }

    static func runToEnd(_ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String, errors: String
    ) {
        let (process, output, errors) = try launch(arguments, environment: environment)
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    @Test("validate exits 2 and lists every problem with its path")
    func validateInvalid() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ccrelay-invalid-\(UUID().uuidString).yaml")
        try """
        sources:
          g: {type: genesys_audit, client_id: a}
        sinks:
          s: {type: splunk_hec, token: t, batch: {max_events: -1}}
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Self.runToEnd(["validate", "--config", file.path])
        #expect(result.status == 2)
        #expect(result.errors.contains("sources.g.client_secret"))
        #expect(result.errors.contains("sinks.s.endpoint"))
        #expect(result.errors.contains("sinks.s.batch.max_events"))
    }

    @Test("validate accepts the example configuration")
    func validateExample() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ccrelay.example.yaml")
        let result = try Self.runToEnd(
            ["validate", "--config", example.path],
            environment: ["GENESYS_CLIENT_ID": "x", "GENESYS_CLIENT_SECRET": "y", "SPLUNK_HEC_TOKEN": "z"]
        )
        #expect(result.status == 0)
        #expect(result.output.contains("OK"))
    }

    @Test("sandbox --json prints the endpoints as one JSON object on the first line")
    func sandboxJSON() throws {
        let (process, output, _) = try Self.launch(["sandbox", "--json"])
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let line = try readLine(from: output.fileHandleForReading)
        let json = try JSONParser.parse(line)
        #expect(json["genesys"]?["api_url"]?.stringValue?.hasPrefix("http://127.0.0.1:") == true)
        #expect(json["genesys"]?["client_id"]?.stringValue?.isEmpty == false)
        #expect(json["genesys"]?["client_secret"]?.stringValue?.isEmpty == false)
        #expect(json["splunk_hec"]?["url"]?.stringValue?.hasPrefix("http://127.0.0.1:") == true)
        #expect(json["splunk_hec"]?["token"]?.stringValue?.isEmpty == false)
    }

    @Test(
        "run: SIGKILL mid-delivery, restart, SIGTERM: nothing lost, only resent batches duplicated",
        .timeLimit(.minutes(2)))
    func killAndRestart() async throws {
        let logger = Logger.quiet("ccrelay.tests")
        let clock = SystemClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock
        )
        let hec = SplunkHECEmulator()
        let scratch = try ScratchDirectory("kill")
        defer { scratch.remove() }
        let directory = scratch.url
        let batchSize = 25
        let workers = 2
        let generated = 3_000

        try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
            org.generate(count: generated)
            let config = directory.appendingPathComponent("ccrelay.yaml")
            try """
            allow_inline_secrets: true
            state: {sqlite: {path: \(directory.path)/state.sqlite}}
            server: {listen: 127.0.0.1:0, admin_listen: 127.0.0.1:0}
            sources:
              genesys: {type: genesys_audit, base_url: "\(endpoints.genesysURL)", client_id: \(org.configuration.clientID), client_secret: "${SECRET}", poll_interval_secs: 1, page_size: 100}
            sinks:
              splunk: {type: splunk_hec, endpoint: "\(endpoints.hecURL)", token: sandbox-hec-token, batch: {max_events: \(batchSize), timeout_secs: 0.05, concurrency: \(workers)}}
            """.write(to: config, atomically: true, encoding: .utf8)
            let environment = ["SECRET": org.configuration.clientSecret]

            let (first, _, _) = try Self.launch(
                ["run", "--config", config.path, "--log-level", "critical"], environment: environment)
            await hec.waitForEvents(count: generated / 4)
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            let atKill = hec.events.count
            #expect(atKill < generated)

            let (second, _, _) = try Self.launch(
                ["run", "--config", config.path, "--log-level", "critical"], environment: environment)
            // Wait until every distinct event is indexed (resent duplicates count towards the index
            // size, so waiting for `generated` events alone could stop early).
            var distinct = 0
            while distinct < generated {
                let indexed = hec.events
                distinct = Set(indexed.compactMap { $0.fields["event_id"]?.stringValue }).count
                if distinct < generated { await hec.waitForEvents(count: indexed.count + (generated - distinct)) }
            }
            second.terminate()  // SIGTERM: graceful
            second.waitUntilExit()
            #expect(second.terminationStatus == 0)
        }

        let verification = DemoVerification.compare(
            generatedNativeIDs: org.generatedIDs,
            indexedEventIDs: hec.events.compactMap { $0.fields["event_id"]?.stringValue }
        )
        #expect(verification.missing == 0)
        #expect(verification.delivered == generated)
        // Only the batches in flight at the kill, one per worker, can be sent twice.
        #expect(verification.duplicates <= batchSize * workers)
    }
}

private func readLine(from handle: FileHandle) throws -> String {
    var bytes: [UInt8] = []
    while true {
        let chunk = try handle.read(upToCount: 1) ?? Data()
        guard let byte = chunk.first else { break }
        if byte == UInt8(ascii: "\n") { break }
        bytes.append(byte)
    }
    return String(decoding: bytes, as: UTF8.self)
}
