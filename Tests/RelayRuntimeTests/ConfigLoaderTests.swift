import Foundation
import RelayAlerts
import RelayConfig
import RelayCore
import RelayGenesys
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySinks
import RelayTesting
import Testing

@Suite("Configuration")
struct ConfigLoaderTests {
    let environment = Interpolation(environment: { name in
        [
            "GENESYS_CLIENT_ID": "id-123", "GENESYS_CLIENT_SECRET": "s3cr3t-value",
            "SPLUNK_HEC_TOKEN": "hec-token-value",
        ][name]
    })

    @Test("the shipped example configuration is valid and documents the defaults")
    func exampleIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ccrelay.example.yaml").path
        let configuration = try ConfigLoader(interpolation: Interpolation(environment: environment.environment)).load(
            path: path)
        #expect(configuration.sources.map(\.name) == ["genesys_audit"])
        #expect(configuration.sinks.map(\.name) == ["splunk"])
        guard let source = configuration.sources[0] as? GenesysAuditSourceConfiguration else {
            Issue.record("not a genesys source"); return
        }
        #expect(source.clientSecret == "s3cr3t-value")
        #expect(source.lookback == .seconds(300))
        guard let sink = configuration.sinks[0] as? SplunkHECSinkConfiguration else {
            Issue.record("not a HEC sink"); return
        }
        #expect(sink.token == "hec-token-value")
        #expect(sink.sourcetype == "ccas:auditlog")
        #expect(sink.retry.maxAttempts == 5)
    }

    @Test("defaults make the common case short; without routes every source feeds every sink")
    func minimalConfiguration() throws {
        let yaml = """
            allow_inline_secrets: true
            sources:
              g: {type: genesys_audit, region: mypurecloud.ie, client_id: a, client_secret: b}
            sinks:
              s: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: t}
            """
        let configuration = try ConfigLoader(interpolation: environment).load(yaml: yaml)
        #expect(configuration.routes == [Route(name: "default", from: ["g"], to: ["s"])])
        #expect(configuration.state.sqlitePath == "ccrelay-state/state.sqlite")
        #expect(configuration.state.ledgerRetention == .seconds(7 * 86_400))
        guard let source = configuration.sources[0] as? GenesysAuditSourceConfiguration else {
            Issue.record("not a genesys source"); return
        }
        #expect(source.endpoints.apiBaseURL == "https://api.mypurecloud.ie")
        #expect(source.pollInterval == .seconds(60))
        #expect(source.pageSize == 100)
        guard let sink = configuration.sinks[0] as? SplunkHECSinkConfiguration else {
            Issue.record("not a HEC sink"); return
        }
        #expect(sink.batch == BatchConfiguration())
        #expect(sink.gzip)
    }

    @Test(
        "batch.concurrency pins the requests in flight; left out, HTTP sinks adapt up to max_concurrency; local files keep one, in order"
    )
    func sinkConcurrency() throws {
        let scratch = try ScratchDirectory("concurrency")
        defer { scratch.remove() }
        let directory = scratch.url
        let yaml = """
            allow_inline_secrets: true
            state: {sqlite: {path: \(directory.path)/state.sqlite}}
            sources:
              g: {type: genesys_audit, region: mypurecloud.ie, client_id: a, client_secret: b}
            sinks:
              busy: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: t, batch: {concurrency: 3}}
              usual: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: t}
              capped: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: t, batch: {concurrency: adaptive, max_concurrency: 5}}
              local: {type: file, path: \(directory.path)/events.ndjson}
            """
        let configuration = try ConfigLoader(interpolation: environment).load(yaml: yaml)
        let hec = configuration.sinks.compactMap { ($0 as? SplunkHECSinkConfiguration)?.batch }
        #expect(hec.map(\.isAdaptive) == [false, true, true])
        // Adaptive: one worker more than the maximum, to prepare the next request.
        #expect(hec.map(\.workers) == [3, 33, 6])
        let file = configuration.sinks.compactMap { ($0 as? FileSinkConfiguration)?.batch }
        #expect(file.map(\.isAdaptive) == [false])
        #expect(file.map(\.workers) == [1])
        let runtime = try RelayRuntime(configuration: configuration, logger: PipelineHarness.logger)
        #expect(runtime.services().filter { $0 is SinkWorker }.count == 3 + 33 + 6 + 1)
    }

    @Test(
        "batch.concurrency must be adaptive or 1...1024, batch.max_concurrency 1...1024",
        arguments: [
            ("{concurrency: adaptiv}", "sinks.s.batch.concurrency", "expected \"adaptive\" or a number"),
            ("{concurrency: 0}", "sinks.s.batch.concurrency", "out of range 1...1024"),
            ("{max_concurrency: 2000}", "sinks.s.batch.max_concurrency", "out of range 1...1024"),
        ])
    func concurrencyProblems(batch: String, path: String, message: String) throws {
        let yaml = """
            allow_inline_secrets: true
            sinks:
              s: {type: splunk_hec, endpoint: "https://splunk.example.com:8088", token: t, batch: \(batch)}
            """
        let error = #expect(throws: ConfigError.self) { try ConfigLoader(interpolation: environment).load(yaml: yaml) }
        let problem = error?.problems.first { $0.path == path }
        #expect(problem != nil, "\(error?.description ?? "")")
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test("a file or stdout sink writes in order: adaptive concurrency is refused at its path")
    func orderedSinksRefuseAdaptiveConcurrency() throws {
        let yaml = """
            allow_inline_secrets: true
            sources: {f: {type: firehose, access_keys: [firehose-key-0001]}}
            sinks:
              out: {type: stdout, batch: {concurrency: adaptive}}
              archive: {type: file, path: /tmp/ccrelay-never-written/events.ndjson, batch: {concurrency: adaptive}}
            """
        let error = #expect(throws: ConfigError.self) { try ConfigLoader(interpolation: environment).load(yaml: yaml) }
        #expect(
            Set(error?.problems.map(\.path) ?? []) == [
                "sinks.out.batch.concurrency", "sinks.archive.batch.concurrency",
            ])
        #expect(error?.description.contains("writes in order") == true)
    }

    @Test("every problem is reported at once with its YAML path")
    func everyProblemWithPath() throws {
        let yaml = """
            state:
              ledger_retention_secs: 5
            sources:
              genesys:
                type: genesys_audit
                region: mars.example.com
                client_id: abc
                client_secret: ${MISSING_SECRET}
                page_size: 9000
                poll_intervall_secs: 10
              other:
                type: zendesk
            routes:
              r:
                from: [genesys]
                to: [splunk, nowhere]
            sinks:
              splunk:
                type: splunk_hec
                endpoint: splunk.example.com
                batch:
                  max_events: 0
                  concurrency: 0
                retry:
                  initial_backoff_secs: 10
                  max_backoff_secs: 1
            """
        let error = #expect(throws: ConfigError.self) { try ConfigLoader(interpolation: environment).load(yaml: yaml) }
        let problems = error?.problems ?? []
        let paths = Set(problems.map(\.path))
        #expect(
            paths.isSuperset(of: [
                "state.ledger_retention_secs",
                "sources.genesys.region",
                "sources.genesys.client_secret",
                "sources.genesys.page_size",
                "sources.genesys.poll_intervall_secs",
                "sources.other.type",
                "routes.r.to[1]",
                "sinks.splunk.endpoint",
                "sinks.splunk.token",
                "sinks.splunk.batch.max_events",
                "sinks.splunk.batch.concurrency",
                "sinks.splunk.retry.max_backoff_secs",
            ]))
        let text = error?.description ?? ""
        #expect(text.contains("MISSING_SECRET"))
        #expect(text.contains("mypurecloud.com"))
        #expect(text.contains("unknown key \"poll_intervall_secs\""))
        #expect(problems.allSatisfy { $0.line != nil })
    }

    @Test("secrets never appear in error messages")
    func noSecretInErrors() throws {
        let yaml = """
            sources:
              g: {type: genesys_audit, client_id: "${GENESYS_CLIENT_ID}", client_secret: "${GENESYS_CLIENT_SECRET}", page_size: "${GENESYS_CLIENT_SECRET}"}
            sinks:
              s: {type: splunk_hec, endpoint: "${SPLUNK_HEC_TOKEN}", token: "${SPLUNK_HEC_TOKEN}"}
            """
        let error = #expect(throws: ConfigError.self) { try ConfigLoader(interpolation: environment).load(yaml: yaml) }
        let text = error?.description ?? ""
        #expect(!text.isEmpty)
        #expect(!text.contains("s3cr3t-value"))
        #expect(!text.contains("hec-token-value"))
    }

    @Test("references: ${VAR}, ${env:VAR}, ${file:PATH} with its trailing newline trimmed, and $$")
    func interpolation() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ccrelay-secret-\(UUID().uuidString)")
        try "from-a-mount\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let interpolation = Interpolation(environment: { $0 == "A" ? "alpha" : nil })
        #expect(try interpolation.resolve("x-${A}-${env:A}").get().value == "x-alpha-alpha")
        #expect(try interpolation.resolve("${file:\(file.path)}").get().value == "from-a-mount")
        #expect(try interpolation.resolve("cost: $$5").get().value == "cost: $5")
        #expect(try interpolation.resolve("plain").get().usedReference == false)
        guard case .failure(let missing) = interpolation.resolve("${B}") else {
            Issue.record("resolved a missing variable"); return
        }
        #expect(missing.message.contains("B"))
        guard case .failure(let unreadable) = interpolation.resolve("${file:/nonexistent/secret}") else {
            Issue.record("read a missing file")
            return
        }
        #expect(unreadable.message.contains("/nonexistent/secret"))
        guard case .failure = interpolation.resolve("${A") else {
            Issue.record("accepted an unterminated reference"); return
        }
    }

    @Test("invalid YAML is reported, not crashed on")
    func invalidYAML() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader().load(yaml: "sources: [unclosed") }
        #expect(error?.problems.first?.message.contains("YAML") == true)
    }
}

@Suite("Configuration: references between sinks")
struct SinkReferenceTests {
    @Test("a Datadog fallback, no longer needed, still loads with a warning naming its path")
    func datadogFallbackIgnored() throws {
        let yaml = """
            allow_inline_secrets: true
            sources:
              g: {type: genesys_audit, client_id: a, client_secret: b}
            sinks:
              dd: {type: datadog_logs, api_key: k, fallback: archive}
            """
        let configuration = try ConfigLoader().load(yaml: yaml)
        #expect(configuration.sinks.count == 1)
        let warning = try #require(configuration.warnings.first { $0.path == "sinks.dd.fallback" })
        #expect(warning.message.contains("no longer needed"))
    }
}
