import RelayCore
import Yams

/// A position in the YAML document with typed accessors that report problems with their path and
/// keep going, so `ccrelay validate` lists everything wrong at once.
public struct ConfigNode {
    public let node: Node
    public let path: String
    public let diagnostics: ConfigDiagnostics
    public let interpolation: Interpolation

    /// A node at `path` whose problems go to `diagnostics`; scalars are resolved with `interpolation`.
    public init(node: Node, path: String, diagnostics: ConfigDiagnostics, interpolation: Interpolation) {
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
        self.interpolation = interpolation
    }

    public var line: Int? { node.mark.map { $0.line } }

    /// Reports a risky but valid setting at this node (or at `childPath`); never a secret's value.
    public func warning(_ message: String, at childPath: String? = nil) {
        diagnostics.warn(
            ConfigProblem(path: childPath ?? path, line: childPath == nil ? self.line : nil, message: message))
    }

    public func problem(_ message: String, at childPath: String? = nil, line: Int? = nil) {
        diagnostics.report(ConfigProblem(path: childPath ?? path, line: line ?? self.line, message: message))
    }

    private func childPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The members of a mapping in document order; reports and returns `nil` for other kinds.
    public func mapping() -> [(key: String, value: ConfigNode)]? {
        guard case .mapping(let mapping) = node else {
            problem("expected a mapping of keys to values")
            return nil
        }
        var members: [(String, ConfigNode)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                problem("mapping keys must be strings", line: key.mark?.line)
                continue
            }
            members.append((name, child(key: name, node: value)))
        }
        return members
    }

    private func child(key: String, node: Node) -> ConfigNode {
        ConfigNode(node: node, path: childPath(key), diagnostics: diagnostics, interpolation: interpolation)
    }

    /// The value under `key`, or `nil` (absent or explicit null).
    public func optional(_ key: String) -> ConfigNode? {
        guard case .mapping(let mapping) = node, let value = mapping[key] else { return nil }
        if case .scalar(let scalar) = value, scalar.tag == .implicit || scalar.style == .plain,
            ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        {
            return nil
        }
        return child(key: key, node: value)
    }

    /// Reports keys that this component does not know (usually typos).
    public func rejectUnknownKeys(allowed: Set<String>) {
        guard case .mapping(let mapping) = node else { return }
        for (key, _) in mapping {
            guard let name = key.string, !allowed.contains(name) else { continue }
            let known = allowed.sorted().joined(separator: ", ")
            problem("unknown key \"\(name)\" (known keys: \(known))", at: childPath(name), line: key.mark?.line)
        }
    }

    /// This node as an interpolated string scalar.
    public func stringValue() -> String? {
        guard case .scalar(let scalar) = node else {
            problem("expected a string")
            return nil
        }
        switch interpolation.resolve(scalar.string) {
        case .success(let resolved):
            if resolved.usedReference, !interpolation.readsReferences { diagnostics.noteUnreadReference(at: path) }
            return resolved.value
        case .failure(let failure):
            problem(failure.message)
            return nil
        }
    }

    /// The scalar as written in the file, before references are resolved: safe to quote in a message,
    /// since a secret is written as a reference.
    public var writtenText: String {
        guard case .scalar(let scalar) = node else { return "(\(node.tag))" }
        return scalar.string
    }

    /// Whether the scalar at this node uses a `${...}` reference.
    public var usesReference: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.string.contains("${")
    }

    public func string(_ key: String) -> String? {
        optional(key)?.stringValue()
    }

    public func string(_ key: String, default defaultValue: String) -> String {
        string(key) ?? defaultValue
    }

    public func requiredString(_ key: String) -> String? {
        guard let value = optional(key) else {
            problem("missing required key \"\(key)\"", at: childPath(key))
            return nil
        }
        guard let text = value.stringValue() else { return nil }
        if text.isEmpty { value.problem("must not be empty") }
        return text
    }

    public func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let value = optional(key), let text = value.stringValue() else { return defaultValue }
        guard let number = Int(text) else {
            value.problem("expected an integer, found \"\(value.writtenText)\"")
            return defaultValue
        }
        guard range.contains(number) else {
            value.problem("\(number) is out of range \(range.lowerBound)...\(range.upperBound)")
            return defaultValue
        }
        return number
    }

    /// A duration given in seconds (fractions allowed), validated against `range` (in seconds).
    public func seconds(_ key: String, default defaultValue: Duration, range: ClosedRange<Double>) -> Duration {
        guard let value = optional(key), let text = value.stringValue() else { return defaultValue }
        guard let number = Double(text), number.isFinite else {
            value.problem("expected a number of seconds, found \"\(value.writtenText)\"")
            return defaultValue
        }
        guard range.contains(number) else {
            value.problem("\(value.writtenText) seconds is out of range \(range.lowerBound)...\(range.upperBound)")
            return defaultValue
        }
        return .secondsDouble(number)
    }

    public func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let value = optional(key), let text = value.stringValue() else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            value.problem("expected true or false, found \"\(value.writtenText)\"")
            return defaultValue
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    public func stringList(_ key: String) -> [String]? {
        guard let value = optional(key) else { return nil }
        switch value.node {
        case .sequence(let sequence):
            var items: [String] = []
            for (index, element) in sequence.enumerated() {
                let item = ConfigNode(
                    node: element, path: "\(value.path)[\(index)]", diagnostics: diagnostics,
                    interpolation: interpolation)
                if let text = item.stringValue() { items.append(text) }
            }
            return items
        case .scalar:
            return value.stringValue().map { [$0] }
        default:
            value.problem("expected a list of strings")
            return nil
        }
    }

    /// This node as JSON (for embedded documents such as event patterns): mappings become objects,
    /// sequences arrays; plain scalars that YAML reads as numbers, booleans or null become those,
    /// quoted scalars stay strings. References are resolved.
    public func jsonValue() -> JSONValue? {
        switch node {
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let name = key.string else {
                    problem("mapping keys must be strings", line: key.mark?.line)
                    return nil
                }
                let child = ConfigNode(
                    node: value, path: childPath(name), diagnostics: diagnostics, interpolation: interpolation)
                guard let converted = child.jsonValue() else { return nil }
                object.append(key: name, value: converted)
            }
            return .object(object)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for (index, element) in sequence.enumerated() {
                let child = ConfigNode(
                    node: element, path: "\(path)[\(index)]", diagnostics: diagnostics, interpolation: interpolation)
                guard let converted = child.jsonValue() else { return nil }
                elements.append(converted)
            }
            return .array(elements)
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let flag = node.bool { return .bool(flag) }
                if node.int != nil || node.float != nil, let number = try? JSONParser.parse(scalar.string),
                    case .number = number
                {
                    return number
                }
            }
            return stringValue().map(JSONValue.string)
        case .alias:
            problem("YAML aliases are not supported here")
            return nil
        }
    }
}
