import RelayAlerts
import RelayConfig
import RelayCore
import RelayLambda
import RelayPatterns
import RelayState
import Yams

/// Reads a configuration file: YAML, `${...}` references resolved, every value validated, every
/// problem reported together with its YAML path.
public struct ConfigLoader: Sendable {
    public var interpolation: Interpolation
    /// The component types `type:` may name. Default ``ComponentRegistry/standard``.
    public var registry: ComponentRegistry
    /// Whether a file that sets up only AWS Lambda functions (a `lambda:` section and neither
    /// `sources` nor `sinks`, as a Firehose transformation's file is) is accepted: `ccrelay
    /// validate` and `ccrelay generate` read such files, `ccrelay run` needs a pipeline.
    /// Default false.
    public var allowsLambdaOnly: Bool

    public init(
        interpolation: Interpolation = Interpolation(), registry: ComponentRegistry = .standard,
        allowsLambdaOnly: Bool = false
    ) {
        self.interpolation = interpolation
        self.registry = registry
        self.allowsLambdaOnly = allowsLambdaOnly
    }

    /// Loads the file at `path`.
    public func load(path: String) throws(ConfigError) -> RelayConfiguration {
        guard let text = interpolation.readFile(path) else {
            throw ConfigError(problems: [ConfigProblem(path: path, message: "configuration file cannot be read")])
        }
        return try load(yaml: text)
    }

    /// Loads configuration text.
    public func load(yaml: String) throws(ConfigError) -> RelayConfiguration {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(problems: [ConfigProblem(path: "(document)", message: "not valid YAML: \(error)")])
        }
        guard let node else {
            throw ConfigError(problems: [ConfigProblem(path: "(document)", message: "the file is empty")])
        }
        let diagnostics = ConfigDiagnostics()
        var interpolation = self.interpolation
        interpolation.secrets = SecretProvider(interpolation: interpolation)
        let root = ConfigNode(node: node, path: "", diagnostics: diagnostics, interpolation: interpolation)
        let configuration = read(root)
        let problems = diagnostics.problems
        guard problems.isEmpty, var configuration else {
            throw ConfigError(
                problems: problems.isEmpty
                    ? [ConfigProblem(path: "(document)", message: "expected a mapping")] : problems)
        }
        configuration.warnings = diagnostics.warnings
        return configuration
    }

    private func read(_ root: ConfigNode) -> RelayConfiguration? {
        guard root.mapping() != nil else { return nil }
        root.rejectUnknownKeys(allowed: [
            "state", "sources", "routes", "sinks", "alerts", "redaction", "server", "secrets", "allow_inline_secrets",
            "lambda", "detections",
        ])
        SecretsConfigReader.readSettings(root)
        let state = StateConfigReader.read(root.optional("state"))

        let lambdaOnly =
            allowsLambdaOnly && root.optional("lambda") != nil && root.optional("sources") == nil
            && root.optional("sinks") == nil
        var sources: [any SourceBlueprint] = []
        var declaredSources: [String] = []
        var declaredSinks: [String] = []
        if let section = root.optional("sources"), let members = section.mapping() {
            for (name, node) in members where Self.checkName(name, node) {
                declaredSources.append(name)
                if let source = registry.readSource(name: name, node) { sources.append(source) }
            }
        } else if root.optional("sources") == nil, !lambdaOnly {
            root.problem(Self.missingSources, at: "sources")
        }
        var sinks: [any SinkBlueprint] = []
        if let section = root.optional("sinks"), let members = section.mapping() {
            for (name, node) in members where Self.checkName(name, node) {
                declaredSinks.append(name)
                if let sink = registry.readSink(name: name, node) { sinks.append(sink) }
            }
        } else if root.optional("sinks") == nil, !lambdaOnly {
            root.problem(Self.missingSinks, at: "sinks")
        }
        for sink in sinks {
            for reference in sink.referencedSinks
            where !declaredSinks.contains(reference.sink) || reference.sink == sink.name {
                let problem =
                    reference.sink == sink.name
                    ? "must name another sink"
                    : "unknown sink \"\(reference.sink)\" (configured: \(declaredSinks.joined(separator: ", ")))"
                root.problem(problem, at: "sinks.\(sink.name).\(reference.key)")
            }
        }
        // References are checked against every declared name, so a component with its own problems
        // does not also make each route that names it an error.
        let routes = Self.readRoutes(root.optional("routes"), sources: declaredSources, sinks: declaredSinks)
        let alerts = root.optional("alerts").flatMap(AlertsConfigReader.read)
        var configuration = RelayConfiguration(
            state: state, sources: sources, routes: routes, sinks: sinks, alerts: alerts)
        configuration.detections = Self.readDetections(root.optional("detections"), alerts: alerts)
        configuration.redaction = root.optional("redaction").flatMap(RedactionConfigReader.read)
        configuration.server = ServerConfigReader.read(root.optional("server"))
        // `ccrelay lambda` reads this section itself; here it is checked, for `ccrelay validate`, and
        // kept for `ccrelay generate`.
        var lambda = LambdaConfigReader.read(root.optional("lambda"))
        LambdaConfigReader.settleExtractionState(&lambda, handler: lambda.handler, root: root)
        if root.optional("lambda") != nil { configuration.lambda = lambda }
        if lambdaOnly, !lambda.setsUpFirehoseTransform {
            // Scheduled extraction pulls sources into sinks: without them the file sets up nothing.
            root.problem(Self.missingSources, at: "sources")
            root.problem(Self.missingSinks, at: "sinks")
        }
        SecretsConfigReader.finish(root)
        if let secrets = root.interpolation.secrets { configuration.secrets = secrets }
        return configuration
    }

    private static let missingSources = "missing required key \"sources\" (at least one source)"
    private static let missingSinks = "missing required key \"sinks\" (at least one sink)"

    private static func readDetections(_ node: ConfigNode?, alerts: AlertsConfiguration?) -> [Detection] {
        guard let node else { return [] }
        return DetectionsConfigReader.read(node, alertTargets: alerts?.targets.map(\.name) ?? [])
    }

    private static func checkName(_ name: String, _ node: ConfigNode) -> Bool {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else {
            node.problem("component names may use letters, digits, '_' and '-' only")
            return false
        }
        return true
    }

    private static func readRoutes(_ node: ConfigNode?, sources: [String], sinks: [String]) -> [Route] {
        guard let node else {
            return [Route(name: Route.defaultName, from: sources, to: sinks)]
        }
        guard let members = node.mapping() else { return [] }
        var routes: [Route] = []
        for (name, route) in members where checkName(name, route) {
            guard route.mapping() != nil else { continue }
            route.rejectUnknownKeys(allowed: ["from", "to", "pattern"])
            let from =
                route.optional("from") == nil
                ? [] : checkedReferences(route, key: "from", known: sources, kind: "source")
            let to = checkedReferences(route, key: "to", known: sinks, kind: "sink")
            var pattern: JSONValue?
            var matcher: EventPattern?
            if let patternNode = route.optional("pattern"), let json = patternNode.jsonValue() {
                do {
                    matcher = try EventPattern(compiling: json)
                    pattern = json
                } catch {
                    let at = error.path.isEmpty ? patternNode.path : "\(patternNode.path).\(error.path)"
                    patternNode.problem("invalid event pattern: \(error.reason)", at: at)
                }
            }
            routes.append(Route(name: name, from: from, to: to, pattern: pattern, matcher: matcher))
        }
        return routes
    }

    private static func checkedReferences(_ route: ConfigNode, key: String, known: [String], kind: String) -> [String] {
        guard let names = route.stringList(key) else {
            route.problem("missing required key \"\(key)\" (a list of \(kind) names)", at: "\(route.path).\(key)")
            return []
        }
        if names.isEmpty { route.problem("must name at least one \(kind)", at: "\(route.path).\(key)") }
        for (index, name) in names.enumerated() where !known.contains(name) {
            let list = known.isEmpty ? "none configured" : known.joined(separator: ", ")
            route.problem("unknown \(kind) \"\(name)\" (configured: \(list))", at: "\(route.path).\(key)[\(index)]")
        }
        return names.filter(known.contains)
    }
}
