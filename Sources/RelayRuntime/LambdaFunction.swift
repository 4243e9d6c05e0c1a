import Logging
import RelayAWS
import RelayConfig
import RelayCore
import RelayGenesys
import RelayHTTP
import RelayLambda
import RelayState
import Yams

/// Builds the handler `ccrelay lambda` runs from a configuration file: the `lambda:` section picks
/// and configures it (the environment variable `CCRELAY_HANDLER` overrides `lambda.handler`); the
/// Firehose transformation also uses `redaction:`; scheduled extraction uses the whole pipeline
/// (`state`, `sources`, `routes`, `sinks`, `redaction`) as `ccrelay once` does, its state in S3
/// (`lambda.scheduled_extraction.s3`, or the bucket `CCRELAY_STATE_BUCKET` names), PostgreSQL or
/// a SQLite file on EFS.
public enum LambdaFunction {
    /// The environment variable that names the handler, overriding `lambda.handler`.
    public static let handlerVariable = "CCRELAY_HANDLER"
    /// The environment variable that names the configuration file when `--config` does not.
    public static let configVariable = "CCRELAY_CONFIG"

    /// The handler for the configuration text `yaml`.
    /// - Throws: ``LambdaFunctionError`` of type `InvalidConfiguration` listing every problem with
    ///   its YAML path (reported by the runtime through `/runtime/init/error`).
    public static func makeHandler(
        yaml: String, handlerOverride: String?, interpolation: Interpolation = Interpolation(),
        clock: any WallClock = SystemClock(), transport: HTTPTransport = HTTPTransport(), logger: Logger
    ) throws(LambdaFunctionError) -> any LambdaHandler {
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            throw .invalidConfiguration("(document): not valid YAML: \(error)")
        }
        guard let document, case .mapping(let mapping) = document else {
            throw .invalidConfiguration("(document): expected a mapping")
        }
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode(node: document, path: "", diagnostics: diagnostics, interpolation: interpolation)
        var settings = LambdaConfigReader.read(root.optional("lambda"))
        var kind = settings.handler
        if let override = handlerOverride, !override.isEmpty {
            kind = LambdaHandlerKind(rawValue: override)
            if kind == nil {
                let known = LambdaHandlerKind.allCases.map(\.rawValue).joined(separator: ", ")
                diagnostics.report(
                    ConfigProblem(path: handlerVariable, message: "unknown handler \"\(override)\" (known: \(known))"))
            }
        } else if kind == nil, diagnostics.problems.isEmpty {
            diagnostics.report(
                ConfigProblem(
                    path: "lambda.handler",
                    message:
                        "no handler: set lambda.handler or \(handlerVariable) (firehose-transform, scheduled-extraction)"
                ))
        }
        switch kind {
        case .firehoseTransform?:
            var configuration = settings.firehoseTransform
            configuration.redactor = root.optional("redaction").flatMap(RedactionConfigReader.read)
            try throwProblems(diagnostics.problems)
            let normalizer = GenesysEventBridgeNormalizer(keepRaw: settings.keepRaw)
            return FirehoseTransformHandler(
                configuration: configuration, normalize: { value throws(RelayError) in try normalizer.normalize(value) }
            )
        case .scheduledExtraction?:
            LambdaConfigReader.settleExtractionState(&settings, handler: kind, root: root)
            try throwProblems(diagnostics.problems)
            let rest = Node.mapping(Node.Mapping(mapping.filter { $0.key.string != "lambda" }))
            let configuration: RelayConfiguration
            do {
                configuration = try ConfigLoader(interpolation: interpolation).load(
                    yaml: try Yams.serialize(node: rest))
            } catch let error as ConfigError {
                try throwProblems(error.problems)
                throw .invalidConfiguration("\(error)")
            } catch {
                throw .invalidConfiguration("configuration could not be read: \(error)")
            }
            return try extractionHandler(
                configuration, settings: settings, clock: clock, transport: transport, logger: logger)
        case nil:
            try throwProblems(diagnostics.problems)
            throw .invalidConfiguration("no handler chosen")
        }
    }

    private static func extractionHandler(
        _ configuration: RelayConfiguration, settings: LambdaConfiguration, clock: any WallClock,
        transport: HTTPTransport,
        logger: Logger
    ) throws(LambdaFunctionError) -> ScheduledExtractionHandler {
        let state: ExtractionState
        if let s3 = settings.s3State {
            let credentials = s3.credentials.provider(
                transport: transport, clock: clock, logger: logger, readFile: Interpolation.readFileContents)
            let client = S3Client(
                bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, credentials: credentials,
                transport: transport, clock: clock)
            state = .perSource(S3SourceStateStore(client: client, prefix: s3.prefix, clock: clock))
        } else if let postgres = configuration.state.postgres {
            state = .store { PostgresStateStore(configuration: postgres, logger: logger) }
        } else {
            // Only an EFS file (/mnt/...) is left: LambdaConfigReader.settleExtractionState refused the rest.
            do {
                let store = try SQLiteStateStore(
                    configuration: SQLiteStateConfiguration(path: configuration.state.sqlitePath))
                state = .store { store }
            } catch {
                throw .invalidConfiguration("state.sqlite.path: the state store cannot be opened: \(error)")
            }
        }
        return ScheduledExtractionHandler(
            configuration: settings.scheduledExtraction, state: state, clock: clock,
            buildPipeline: pipelineBuilder(configuration, clock: clock, transport: transport, logger: logger))
    }

    /// Builds a configuration's pull sources, sinks, routes and redaction against a store, as
    /// scheduled extraction does for each invocation (push sources are left out).
    public static func pipelineBuilder(
        _ configuration: RelayConfiguration, clock: any WallClock, transport: HTTPTransport = HTTPTransport(),
        logger: Logger
    ) -> ScheduledExtractionHandler.PipelineBuilder {
        { store in
            let context = BuildContext(transport: transport, clock: clock, store: store, logger: logger)
            var sources: [any PullSource] = []
            for blueprint in configuration.sources {
                if case .pull(let source) = try blueprint.makeSource(context) { sources.append(source) }
            }
            return ExtractionPipeline(
                sources: sources, sinks: try configuration.sinks.map { try $0.makeSink(context) },
                router: EventRouter(routes: configuration.routes), redactor: configuration.redaction)
        }
    }

    private static func throwProblems(_ problems: [ConfigProblem]) throws(LambdaFunctionError) {
        guard !problems.isEmpty else { return }
        throw .invalidConfiguration(problems.map(\.description).joined(separator: "; "))
    }
}
