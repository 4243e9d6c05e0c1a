import ArgumentParser
import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import ServiceLifecycle

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Run the whole pipeline against the built-in sandbox: a Genesys Cloud org, SQLite state, a Splunk HEC index.",
        discussion: """
            Audit records flow from the sandbox org through ccrelay into the sandbox index while progress is shown.
            At the end the demo compares what the org generated with what the index holds and prints
            `generated=N delivered=N duplicates=0 missing=0` (exit 0), or exits 1 on any difference.
            """
    )

    @Option(help: "Seconds to run; without it the demo runs until Ctrl-C.")
    var duration: Int?

    @Option(help: "Directory for the SQLite state (default: a new temporary directory).")
    var stateDir: String?

    @Option(help: "Audit records the sandbox org creates per second.")
    var recordsPerSecond: Int = 20

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        let logger = bootstrapLogging(level: logLevel)
        var options = DemoOptions(directory: stateDir, duration: duration.map { .seconds($0) }) { line in
            writeLine(line)
        }
        options.recordsPerSecond = recordsPerSecond
        let verification = try await DemoRunner.run(options: options, logger: logger)
        if !verification.passed { throw ExitCode(1) }
    }
}

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the emulated platforms alone and print their URLs and credentials, to point a config at them.",
        discussion: """
            With --json the first line is one JSON object:
            {"genesys": {"api_url", "client_id", "client_secret"}, "splunk_hec": {"url", "token"},
             "cxone": {"tenant_id", "discovery_url", "api_base_url", "access_key_id", "access_key_secret", "client_id", "client_secret"},
             "datadog": {"url", "api_key"}, "sumo": {"url"}, "firehose": {"access_key", "target_url"},
             "elasticsearch": {"url", "api_key", "username", "password"},
             "sentinel": {"authority_host", "endpoint", "tenant_id", "client_id", "client_secret", "dcr_immutable_id", "stream"},
             "otlp": {"url", "api_key_header", "api_key"}}.
            The Genesys org creates --records-per-second audit records, the CXone tenant a few admin changes
            and agent logins every 5 seconds; with --firehose-url the sandbox Firehose pushes
            --push-events-per-second EventBridge-shaped Genesys events to that receiver URL (a ccrelay
            `type: firehose` source whose access_keys include the printed access_key); Ctrl-C stops.
            Every destination emulator (HEC, Datadog, Sumo, Elasticsearch, Sentinel, OTLP) takes faults at run
            time with `POST {url}/_sandbox/faults` and reports what it stored at `GET {url}/_sandbox/stats`.
            """
    )

    @Flag(help: "Print the endpoints as one JSON object on the first line.")
    var json = false

    @Option(help: "Audit records the sandbox org creates per second.")
    var recordsPerSecond: Int = 2

    @Option(
        help: "A ccrelay Firehose receiver URL (e.g. http://127.0.0.1:8080/firehose) the sandbox Firehose pushes to.")
    var firehoseURL: String?

    @Option(help: "EventBridge events the sandbox Firehose pushes per second (with --firehose-url).")
    var pushEventsPerSecond: Int = 5

    @Option(
        help: ArgumentHelp(
            "Write a ccrelay configuration for the running sandbox (its ports and credentials) to this file.",
            discussion:
                "Its state goes to ccrelay-state/state.sqlite beside the file; `ccrelay once --config FILE` delivers with it.",
            valueName: "file"))
    var writeConfig: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        let logger = bootstrapLogging(level: logLevel)
        let clock = SystemClock()
        let firehoseURL = firehoseURL
        let firehose = FirehoseTrafficService(
            perSecond: pushEventsPerSecond, accessKey: SandboxDescription.firehoseAccessKey, clock: clock,
            logger: logger
        ) { firehoseURL ?? "" }
        let org = GenesysOrgEmulator(clock: clock)
        let hec = SplunkHECEmulator()
        let cxone = CXoneTenantEmulator(clock: clock)
        let datadog = DatadogIntakeEmulator(clock: clock)
        let sumo = SumoLogicEmulator()
        let elasticsearch = ElasticsearchEmulator()
        let sentinel = SentinelEmulator(clock: clock)
        let otlp = OTLPCollectorEmulator()
        let json = json
        let perSecond = recordsPerSecond
        try await Sandbox.withRunning(
            datadog: datadog, elasticsearch: elasticsearch, sentinel: sentinel, otlp: otlp, logger: logger
        ) { destinations in
            try await Sandbox.withRunning(sumo: sumo, logger: logger) { sumoURL in
                try await Sandbox.withRunning(cxone: cxone, logger: logger) { cxoneURL in
                    try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
                        let description = SandboxDescription(
                            endpoints: endpoints, org: org,
                            hecToken: SplunkHECConfiguration().tokens.keys.sorted().first ?? "",
                            cxoneURL: cxoneURL, cxone: cxone.configuration, destinations: destinations,
                            sumoURL: sumoURL,
                            sentinel: sentinel.configuration, firehoseTarget: firehoseURL
                        )
                        if let writeConfig {
                            try description.configFile(path: writeConfig).save(to: writeConfig)
                        }
                        writeLine(json ? description.json : description.text)
                        if let writeConfig { writeLine("configuration for this sandbox written to \(writeConfig)") }
                        var group = ServiceGroupConfiguration(
                            services: [
                                .init(service: SandboxTrafficService(org: org, perSecond: perSecond, clock: clock)),
                                .init(service: CXoneTrafficService(tenant: cxone, changes: 3, logins: 2, clock: clock)),
                            ],
                            logger: logger
                        )
                        if firehoseURL != nil { group.services.append(.init(service: firehose)) }
                        group.gracefulShutdownSignals = [.sigterm, .sigint]
                        try await ServiceGroup(configuration: group).run()
                    }
                }
            }
        }
    }
}

/// The endpoints and credentials `ccrelay sandbox` prints.
struct SandboxDescription {
    let endpoints: SandboxEndpoints
    let org: GenesysOrgEmulator
    let hecToken: String
    let cxoneURL: String
    let cxone: CXoneTenantConfiguration
    /// The Datadog, Elasticsearch, Sentinel and OTLP emulators' base URLs.
    let destinations: SandboxDestinationEndpoints
    let sumoURL: String
    let sentinel: SentinelEmulatorConfiguration
    /// The receiver URL the sandbox Firehose pushes to, when one was given.
    var firehoseTarget: String? = nil

    /// A configuration pulling the sandbox org into the sandbox HEC, to be written at `path`; its
    /// state goes to `ccrelay-state/state.sqlite` beside it.
    func configFile(path: String) -> SandboxConfigFile {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        return SandboxConfigFile(
            genesysURL: endpoints.genesysURL, clientID: org.configuration.clientID,
            clientSecret: org.configuration.clientSecret, hecURL: endpoints.hecURL, hecToken: hecToken,
            statePath: folder + "/ccrelay-state/state.sqlite")
    }

    /// The Sentinel app's client secret and the DCR's stream (the emulator's defaults hold one each).
    private var sentinelSecret: String { sentinel.clientSecrets.sorted().first ?? "" }
    private var sentinelStream: String { sentinel.streams.sorted().first ?? "" }
    /// The header the OTLP collector reads its API key from.
    private static let otlpHeader = OTLPCollectorConfiguration().apiKeyHeader ?? ""

    /// The `X-Amz-Firehose-Access-Key` the sandbox Firehose sends.
    static let firehoseAccessKey = "sandbox-firehose-key"

    var json: String {
        let value: JSONValue = [
            "genesys": [
                "api_url": .string(endpoints.genesysURL),
                "client_id": .string(org.configuration.clientID),
                "client_secret": .string(org.configuration.clientSecret),
            ],
            "splunk_hec": ["url": .string(endpoints.hecURL), "token": .string(hecToken)],
            "cxone": [
                "tenant_id": .string(cxone.tenantID),
                "discovery_url": .string(cxoneURL),
                // The emulator serves plain http, which discovery refuses: name the API host.
                "api_base_url": .string(cxoneURL),
                "access_key_id": .string(cxone.accessKeyID),
                "access_key_secret": .string(cxone.accessKeySecret),
                "client_id": .string(cxone.clientID),
                "client_secret": .string(cxone.clientSecret),
            ],
            "datadog": [
                "url": .string(destinations.datadogURL), "api_key": .string(DatadogIntakeConfiguration.defaultAPIKey),
            ],
            "sumo": ["url": .string(sumoURL)],
            "firehose": [
                "access_key": .string(Self.firehoseAccessKey),
                "target_url": firehoseTarget.map { .string($0) } ?? .null,
            ],
            "elasticsearch": [
                "url": .string(destinations.elasticsearchURL),
                "api_key": .string(ElasticsearchConfiguration.defaultAPIKey),
                "username": "elastic", "password": .string(ElasticsearchConfiguration.defaultPassword),
            ],
            "sentinel": [
                "authority_host": .string(destinations.sentinelURL), "endpoint": .string(destinations.sentinelURL),
                "tenant_id": .string(sentinel.tenantID), "client_id": .string(sentinel.clientID),
                "client_secret": .string(sentinelSecret), "dcr_immutable_id": .string(sentinel.dcrImmutableID),
                "stream": .string(sentinelStream),
            ],
            "otlp": [
                "url": .string(destinations.otlpURL), "api_key_header": .string(Self.otlpHeader),
                "api_key": .string(OTLPCollectorConfiguration.defaultAPIKey),
            ],
        ]
        return JSONWriter.string(value)
    }

    var text: String {
        """
        Genesys Cloud org: \(endpoints.genesysURL)  (client_id \(org.configuration.clientID), client_secret \(org.configuration.clientSecret))
        Splunk HEC:        \(endpoints.hecURL)  (token \(hecToken))
        NICE CXone tenant: \(cxoneURL)  (tenant_id \(cxone.tenantID), api_base_url \(cxoneURL), access_key_id \(cxone.accessKeyID), access_key_secret \(cxone.accessKeySecret), client_id \(cxone.clientID), client_secret \(cxone.clientSecret))
        Datadog intake:    \(destinations.datadogURL)  (api_key \(DatadogIntakeConfiguration.defaultAPIKey))
        Sumo HTTP source:  \(sumoURL)
        Elasticsearch:     \(destinations.elasticsearchURL)  (api_key \(ElasticsearchConfiguration.defaultAPIKey), or user elastic password \(ElasticsearchConfiguration.defaultPassword))
        Sentinel:          \(destinations.sentinelURL)  (authority_host and endpoint; tenant_id \(sentinel.tenantID), client_id \(sentinel.clientID), client_secret \(sentinelSecret), dcr_immutable_id \(sentinel.dcrImmutableID), stream \(sentinelStream))
        OTLP collector:    \(destinations.otlpURL)  (header \(Self.otlpHeader): \(OTLPCollectorConfiguration.defaultAPIKey))
        Sandbox Firehose:  \(firehoseTarget.map { "pushing to \($0)" } ?? "idle (--firehose-url to push)")  (access_key \(Self.firehoseAccessKey))
        Faults at run time: POST {url}/_sandbox/faults; counters: GET {url}/_sandbox/stats. Ctrl-C stops.
        """
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
