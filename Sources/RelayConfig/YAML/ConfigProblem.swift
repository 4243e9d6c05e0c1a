import Synchronization

/// One problem in a configuration file: where (a YAML path like `sinks.splunk.batch.max_events`,
/// with the line when known) and what is wrong. Never contains a secret's value.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(path) (line \($0))" } ?? path
        return "\(location): \(message)"
    }
}

/// Every problem found while reading a configuration, reported together (exit code 2).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) {
        self.problems = problems
    }

    public var description: String {
        "configuration has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Collects problems while a configuration is read, so all of them are reported at once, and
/// warnings: risky but valid settings (`ccrelay validate` prints them and exits 0; the daemon logs
/// them at warning when it loads the file).
public final class ConfigDiagnostics: Sendable {
    public init() {}

    private let collected = Mutex<[ConfigProblem]>([])
    private let collectedWarnings = Mutex<[ConfigProblem]>([])
    /// Paths whose value is written with a reference that was not read (``Interpolation/readsReferences``).
    private let unread = Mutex<Set<String>>([])

    public func report(_ problem: ConfigProblem) {
        collected.withLock { $0.append(problem) }
    }

    /// Records a warning: the configuration stays valid.
    public func warn(_ warning: ConfigProblem) {
        collectedWarnings.withLock { $0.append(warning) }
    }

    /// Records that the value at `path` uses a reference that was not read: it stands for a plausible
    /// value, so what is found wrong with the placeholder there is not reported.
    public func noteUnreadReference(at path: String) {
        _ = unread.withLock { $0.insert(path) }
    }

    /// Every problem, in the order found (none about a value whose reference was not read).
    public var problems: [ConfigProblem] { withoutUnread(collected.withLock { $0 }) }

    /// Every warning, in the order found (none about a value whose reference was not read).
    public var warnings: [ConfigProblem] { withoutUnread(collectedWarnings.withLock { $0 }) }

    private func withoutUnread(_ found: [ConfigProblem]) -> [ConfigProblem] {
        let unread = unread.withLock { $0 }
        return unread.isEmpty ? found : found.filter { !unread.contains($0.path) }
    }
}
