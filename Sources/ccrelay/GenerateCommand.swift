import ArgumentParser
import Foundation
import RelayConfig
import RelayDemo
import RelayGenerate
import RelayObservability
import RelayOperations
import RelayRuntime

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract:
            "Generate SIEM content (Splunk, Datadog, Sumo Logic) and push-path infrastructure (AWS, Genesys Cloud).",
        discussion: """
            Every artefact is derived from ccrelay's normalized schema and the configuration: index, sourcetype,
            service and category names come from the configured sinks; alert thresholds from the alerts section.
            Output is deterministic: generating twice gives byte-identical files. See README, "Generated content",
            for the import steps per target. Exit codes: 0 written; 1 the output could not be written;
            2 invalid configuration or arguments.
            """
    )

    @Argument(help: "What to generate: splunk, datadog, sumo, aws, genesys, elastic, sentinel (see --list).")
    var target: String?

    @Flag(help: "List the targets and exit.")
    var list = false

    @Option(name: .shortAndLong, help: "Configuration file (YAML); without it the defaults are used.")
    var config: String?

    @Option(name: .shortAndLong, help: "Output directory; files go under DIR/TARGET/.")
    var out: String = "ccrelay-content"

    @Option(
        help:
            "aws only: push-path (default; EventBridge, Firehose to ccrelay's receiver) or lambda (ccrelay as Lambda functions: Firehose transformation to Splunk, scheduled extraction)."
    )
    var variant: String?

    @Option(
        name: .customLong("topic"),
        help:
            "A Genesys Cloud topic pushed through EventBridge (repeat; default: audits, hang-ups, wrap-up, edge metrics, transcripts)."
    )
    var topics: [String] = []

    @Option(help: "ccrelay's Firehose receiver URL (the template parameter's default).")
    var receiverURL: String?

    @Option(help: "Splunk index of the backend logs overlaid on hang-ups.")
    var backendSplunkIndex: String?

    @Option(help: "Splunk field holding the backend's HTTP status.")
    var backendSplunkStatusField: String?

    @Option(help: "Datadog query selecting the backend logs.")
    var backendDatadogQuery: String?

    @Option(help: "Datadog attribute holding the backend's HTTP status (with @).")
    var backendDatadogStatusAttribute: String?

    @Option(help: "Sumo Logic scope of the backend logs.")
    var backendSumoScope: String?

    @Option(help: "Sumo Logic field holding the backend's HTTP status.")
    var backendSumoStatusField: String?

    @Option(help: "HTTP status counted as a backend error.")
    var backendErrorStatus: Int?

    @Option(help: "Business hours, UTC, as START-END hours (role changes outside them alert).")
    var businessHours: String?

    @Option(help: "Edge CPU use (%) above which the generated edge alert fires (default 85).")
    var edgeCPUThreshold: Int?

    @Option(help: "Edge memory use (%) above which the generated edge alert fires (default 85).")
    var edgeMemoryThreshold: Int?

    @Option(
        name: .customLong("privileged-client"),
        help: "OAuth client id the OAuth-secret alert pages for (repeat; default: every client, edit the lookup).")
    var privilegedClients: [String] = []

    @Option(help: "detections: alert target the generated detections name (repeatable; default: the config's).")
    var alertTarget: [String] = []

    func run() async throws {
        if list || target == nil {
            for target in GenerateTarget.allCases {
                writeLine("\(target.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(target.summary)")
            }
            writeLine("detections the detections: block of ccrelay's configuration (security alerts at the relay)")
            if !list { throw ExitCode(2) }
            return
        }
        if target == "detections" { return try writeDetections() }
        guard let name = target, let generateTarget = GenerateTarget(rawValue: name) else {
            printError(
                "unknown target \"\(target ?? "")\" (known: \(GenerateTarget.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
            throw ExitCode(2)
        }
        let base = try baseInput()
        let input = try config.map { GenerateInput.from(try loadWithoutSecrets(path: $0), base: base) } ?? base
        var files = generateTarget.files(for: input)
        if let variant {
            guard generateTarget == .aws, variant == "push-path" || variant == "lambda" else {
                printError("--variant \"\(variant)\": only for aws, one of push-path, lambda")
                throw ExitCode(2)
            }
            if variant == "lambda" { files = LambdaCloudFormationGenerator(input: input).files() }
        }
        do {
            for file in files {
                let url = URL(fileURLWithPath: out).appendingPathComponent(file.path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url, options: .atomic)
                writeLine(url.path)
            }
        } catch {
            printError("cannot write to \(out): \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }

    /// Writes `DIR/detections/detections.yaml`, naming `--alert-target`s or the config's alert targets.
    private func writeDetections() throws {
        var targets = alertTarget
        if targets.isEmpty, let config {
            targets = try loadWithoutSecrets(path: config).alerts?.targets.map(\.name) ?? []
        }
        guard !targets.isEmpty else {
            printError("detections: name an alert target (--alert-target NAME, or --config with alerts.targets)")
            throw ExitCode(2)
        }
        let url = URL(fileURLWithPath: out).appendingPathComponent("detections/detections.yaml")
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(DetectionsBlock.yaml(targets: targets).utf8).write(to: url, options: .atomic)
        } catch {
            printError("cannot write to \(out): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        writeLine(url.path)
    }

    /// Loads the configuration; secrets that are not available here (unset variables, unreadable
    /// `${file:...}`) get a placeholder, since generated content never contains a secret.
    private func loadWithoutSecrets(path: String) throws -> RelayConfiguration {
        let placeholder = "unset-for-generate"
        let interpolation = Interpolation(
            environment: { Interpolation.processEnvironment($0) ?? placeholder },
            readFile: { file in Interpolation.readFileContents(file) ?? (file == path ? nil : placeholder) }
        )
        do {
            return try ConfigLoader(interpolation: interpolation, allowsLambdaOnly: true).load(path: path)
        } catch {
            printError("\(path): \(error)")
            throw ExitCode(2)
        }
    }

    /// The command-line parts of the input.
    private func baseInput() throws -> GenerateInput {
        var input = GenerateInput(pushTopics: topics)
        if let receiverURL { input.firehose.endpointURL = receiverURL }
        if let backendSplunkIndex { input.backend.splunkIndex = backendSplunkIndex }
        if let backendSplunkStatusField { input.backend.splunkStatusField = backendSplunkStatusField }
        if let backendDatadogQuery { input.backend.datadogQuery = backendDatadogQuery }
        if let backendDatadogStatusAttribute { input.backend.datadogStatusAttribute = backendDatadogStatusAttribute }
        if let backendSumoScope { input.backend.sumoScope = backendSumoScope }
        if let backendSumoStatusField { input.backend.sumoStatusField = backendSumoStatusField }
        if let backendErrorStatus { input.backend.errorStatus = backendErrorStatus }
        for (name, value) in [
            ("--edge-cpu-threshold", edgeCPUThreshold), ("--edge-memory-threshold", edgeMemoryThreshold),
        ] {
            guard let value, !(1...100).contains(value) else { continue }
            printError("\(name) \(value): expected a percentage from 1 to 100")
            throw ExitCode(2)
        }
        if let edgeCPUThreshold { input.alerts.edgeCPUPct = edgeCPUThreshold }
        if let edgeMemoryThreshold { input.alerts.edgeMemoryPct = edgeMemoryThreshold }
        input.privilegedClients = privilegedClients
        if let businessHours {
            let parts = businessHours.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, (0...23).contains(parts[0]), (1...24).contains(parts[1]), parts[0] < parts[1] else {
                printError("--business-hours \"\(businessHours)\": expected START-END hours, e.g. 8-18")
                throw ExitCode(2)
            }
            input.alerts.businessStartHour = parts[0]
            input.alerts.businessEndHour = parts[1]
        }
        return input
    }
}
