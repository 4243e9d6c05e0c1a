/// Why an event pattern was rejected, and where in the pattern.
///
/// `path` names the offending place with dots between field names and `[i]` for list elements,
/// e.g. `detail.eventBody.action[2]` or `detail.$or[1].x`; it is empty for the pattern as a whole.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the pattern the problem is (empty for the top level).
    public let path: String
    /// What is wrong, in words that say how to fix it.
    public let reason: String

    /// Creates an error for `path` with `reason`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `event pattern at PATH: REASON` (or `event pattern: REASON` at the top level).
    public var description: String {
        path.isEmpty ? "event pattern: \(reason)" : "event pattern at \(path): \(reason)"
    }
}

/// A position inside a pattern while it is compiled (compile time only; never used per event).
struct PatternPath {
    private enum Component {
        case key(String)
        case index(Int)
    }

    private var components: [Component] = []

    func appending(_ key: String) -> PatternPath {
        var copy = self
        copy.components.append(.key(key))
        return copy
    }

    func appending(index: Int) -> PatternPath {
        var copy = self
        copy.components.append(.index(index))
        return copy
    }

    var text: String {
        var out = ""
        for component in components {
            switch component {
            case .key(let key):
                if !out.isEmpty { out += "." }
                out += key
            case .index(let index):
                out += "[\(index)]"
            }
        }
        return out
    }

    func error(_ reason: String) -> PatternError {
        PatternError(path: text, reason: reason)
    }
}
