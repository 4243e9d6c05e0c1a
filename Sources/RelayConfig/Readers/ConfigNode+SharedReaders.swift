import RelayCore

extension ConfigNode {
    /// `compression: gzip | none` (default gzip).
    public func compressionIsGzip() -> Bool {
        guard let compression = optional("compression"), let value = compression.stringValue() else { return true }
        switch value {
        case "gzip": return true
        case "none": return false
        default:
            compression.problem("expected gzip or none, found \"\(compression.writtenText)\"")
            return true
        }
    }

    /// `encoding: compact | full` (default compact): how a sink writes each event (``EventEncoding``).
    public func eventEncoding() -> EventEncoding {
        guard let node = optional("encoding"), let value = node.stringValue() else { return .default }
        guard let encoding = EventEncoding(rawValue: value) else {
            node.problem("expected compact or full, found \"\(node.writtenText)\"")
            return .default
        }
        return encoding
    }

    /// A mapping of names to string values (tags, fields); keys and values may not contain the
    /// characters that separate them on the wire.
    public func stringMap(_ key: String, separatorsForbidden: [Character]) -> [String: String] {
        guard let node = optional(key), let members = node.mapping() else { return [:] }
        var map: [String: String] = [:]
        for (name, value) in members {
            guard let text = value.stringValue() else { continue }
            if name.contains(where: separatorsForbidden.contains) || text.contains(where: separatorsForbidden.contains)
            {
                let list = separatorsForbidden.map { "'\($0)'" }.joined(separator: " or ")
                value.problem("names and values may not contain \(list)")
                continue
            }
            map[name] = text
        }
        return map
    }

    /// Reports a configuration's own pure `key: message` problems (its `problems()`) at their YAML
    /// paths below this node, skipping those whose top-level key is in `skipping` (already reported).
    public func reportProblems(_ problems: [String], skipping: Set<String> = []) {
        for problem in problems {
            let parts = problem.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                self.problem(problem)
                continue
            }
            let key = parts[0]
            let root = String(key.prefix { $0 != "." && $0 != "[" })
            if skipping.contains(root) { continue }
            self.problem(String(parts[1].drop(while: { $0 == " " })), at: "\(path).\(key)")
        }
    }
}
