import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelayState
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the state store of a configuration file for operator commands (`ccrelay dlq`). Only the
/// `state` section is read, so an operator does not need the sources' and sinks' secrets in the
/// environment to look at dead letters.
public enum StateLocator {
    /// The SQLite path that `state.sqlite.path` names (default `ccrelay-state/state.sqlite`).
    public static func sqlitePath(configPath: String, interpolation: Interpolation = Interpolation())
        throws(ConfigError) -> String
    {
        guard let text = interpolation.readFile(configPath) else {
            throw ConfigError(problems: [ConfigProblem(path: configPath, message: "configuration file cannot be read")])
        }
        return try sqlitePath(yaml: text, interpolation: interpolation)
    }

    /// The SQLite path named by configuration text.
    public static func sqlitePath(yaml: String, interpolation: Interpolation = Interpolation()) throws(ConfigError)
        -> String
    {
        try settings(yaml: yaml, interpolation: interpolation).sqlitePath
    }

    /// The `state` section of configuration text (defaults when it has none).
    public static func settings(yaml: String, interpolation: Interpolation = Interpolation()) throws(ConfigError)
        -> StateConfiguration
    {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(problems: [ConfigProblem(path: "(document)", message: "not valid YAML: \(error)")])
        }
        guard let node else { return StateConfiguration() }
        let diagnostics = ConfigDiagnostics()
        let root = ConfigNode(node: node, path: "", diagnostics: diagnostics, interpolation: interpolation)
        let settings = StateConfigReader.read(root.optional("state"))
        let problems = diagnostics.problems
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return settings
    }

    /// Opens the existing store a configuration file names: its SQLite database, or its PostgreSQL
    /// store (whose schema is migrated when it runs, as the daemon's would). Use it inside its
    /// ``StateStore/whileRunning(_:)``.
    ///
    /// - Throws: `ConfigError` when the file cannot be read; `RelayError` (`state.store`) when no
    ///   SQLite database exists at the path (an operator command never creates an empty one).
    public static func openStore(configPath: String, logger: Logger = Logger(label: "ccrelay.state")) throws
        -> any StateStore
    {
        guard let text = Interpolation().readFile(configPath) else {
            throw ConfigError(problems: [ConfigProblem(path: configPath, message: "configuration file cannot be read")])
        }
        let settings = try settings(yaml: text)
        if let postgres = settings.postgres {
            return PostgresStateStore(configuration: postgres, logger: logger)
        }
        let path = settings.sqlitePath
        guard access(path, F_OK) == 0 else {
            throw RelayError(.stateStore, "no state store at \(path) (has ccrelay run with \(configPath)?)")
        }
        // Beside a running daemon, whose claims on in-flight batches live in its own memory.
        return try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: path))
    }
}
