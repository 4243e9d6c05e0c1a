import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayHTTP
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

    @Test(
        "sandbox --json lists Elasticsearch, Sentinel and OTLP with working credentials; their faults switch at run time",
        .timeLimit(.minutes(2)))
    func sandboxDestinations() async throws {
        let (sandbox, output, _) = try CommandLineTests.launch(["sandbox", "--json"])
        defer {
            sandbox.terminate()
            sandbox.waitUntilExit()
        }
        let json = try JSONParser.parse(Array(try firstLine(of: output.fileHandleForReading).utf8))
        let elastic = try #require(json["elasticsearch"])
        let url = try #require(elastic["url"]?.stringValue)
        let bulk = Array(
            (#"{"create":{"_index":"logs-ccrelay-default","_id":"e1"}}"# + "\n"
                + #"{"@timestamp":"2026-12-04T10:00:00.000Z","event_id":"e1"}"# + "\n").utf8)
        let basic = Base64.encode(
            Array("\(elastic["username"]?.stringValue ?? ""):\(elastic["password"]?.stringValue ?? "")".utf8))
        #expect(try await Self.send(url + "/_sandbox/faults", #"{"unavailable": 1}"#).status == 200)
        let apiKey = [(name: "Authorization", value: "ApiKey \(elastic["api_key"]?.stringValue ?? "")")]
        #expect(try await Self.send(url + "/_bulk", bulk, headers: apiKey).status == 503)
        let created = try await Self.send(url + "/_bulk", bulk, headers: [("Authorization", "Basic \(basic)")])
        #expect(created.status == 200)
        #expect(try await Self.stats(url)["stored"]?.int64Value == 1)

        let azure = try #require(json["sentinel"])
        let form = [
            "grant_type=client_credentials", "client_id=\(azure["client_id"]?.stringValue ?? "")",
            "client_secret=\(azure["client_secret"]?.stringValue ?? "")",
            "scope=https%3A%2F%2Fmonitor.azure.com%2F%2F.default",
        ].joined(separator: "&")
        let authority = try #require(azure["authority_host"]?.stringValue)
        let issued = try await Self.send(
            "\(authority)/\(azure["tenant_id"]?.stringValue ?? "")/oauth2/v2.0/token", Array(form.utf8))
        let token = try #require(try JSONParser.parse(issued.body)["access_token"]?.stringValue)
        let endpoint = try #require(azure["endpoint"]?.stringValue)
        let ingestion =
            "\(endpoint)/dataCollectionRules/\(azure["dcr_immutable_id"]?.stringValue ?? "")/streams/\(azure["stream"]?.stringValue ?? "")?api-version=2023-01-01"
        let bearer = [(name: "Authorization", value: "Bearer \(token)")]
        #expect(try await Self.send(endpoint + "/_sandbox/faults", #"{"too_many_requests": 1}"#).status == 200)
        #expect(try await Self.send(ingestion, #"[{"EventId": "e1"}]"#, headers: bearer).status == 429)
        #expect(try await Self.send(ingestion, #"[{"EventId": "e1"}]"#, headers: bearer).status == 204)
        #expect(try await Self.stats(endpoint)["faults_served"]?.int64Value == 1)

        let otlp = try #require(json["otlp"])
        let collector = try #require(otlp["url"]?.stringValue)
        let key = [
            (name: otlp["api_key_header"]?.stringValue ?? "", value: otlp["api_key"]?.stringValue ?? ""),
            (name: "Content-Type", value: "application/json"),
        ]
        #expect(try await Self.send(collector + "/_sandbox/faults", #"{"unavailable": 1}"#).status == 200)
        #expect(try await Self.send(collector + "/v1/logs", #"{"resourceLogs": []}"#, headers: key).status == 503)
        #expect(try await Self.send(collector + "/v1/logs", #"{"resourceLogs": []}"#, headers: key).status == 200)
    }

    @Test("sandbox prints the Elasticsearch, Sentinel and OTLP emulators and the fault route", .timeLimit(.minutes(2)))
    func sandboxText() throws {
        let (sandbox, output, _) = try CommandLineTests.launch(["sandbox"])
        defer {
            sandbox.terminate()
            sandbox.waitUntilExit()
        }
        var lines: [String] = []
        while !lines.contains(where: { $0.contains("Ctrl-C stops") }) {
            let line = try firstLine(of: output.fileHandleForReading)
            if line.isEmpty, !sandbox.isRunning { break }
            lines.append(line)
        }
        for prefix in [
            "Elasticsearch:     http://127.0.0.1:", "Sentinel:          http://127.0.0.1:",
            "OTLP collector:    http://127.0.0.1:",
        ] {
            #expect(lines.contains { $0.hasPrefix(prefix) }, "\(prefix) in \(lines)")
        }
        #expect(lines.contains { $0.contains("/_sandbox/faults") })
    }

    static func send(_ url: String, _ body: String, headers: [(name: String, value: String)] = []) async throws
        -> InboundResponse
    {
        try await send(url, Array(body.utf8), headers: headers)
    }

    static func send(_ url: String, _ body: [UInt8], headers: [(name: String, value: String)] = []) async throws
        -> InboundResponse
    {
        try await HTTPTransport().send(OutboundRequest(method: "POST", url: url, headers: headers, body: body))
    }

    static func stats(_ url: String) async throws -> JSONValue {
        try JSONParser.parse(
            try await HTTPTransport().send(OutboundRequest(method: "GET", url: url + "/_sandbox/stats")).body)
    }
}

/// The next line of `handle` (without its newline); empty at the end.
private func firstLine(of handle: FileHandle) throws -> String {
    var bytes: [UInt8] = []
    while let byte = try handle.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") { bytes.append(byte) }
    return String(decoding: bytes, as: UTF8.self)
}
