import RelayAWS
import RelayCore

/// Reads a `type: firehose` source (Amazon Data Firehose HTTP-endpoint delivery).
enum FirehoseConfigReader {
    static let keys: Set<String> = ["type", "path", "access_keys", "max_body_bytes", "remembered_request_ids", "keep_raw"]

    static func read(name: String, _ node: ConfigNode) -> FirehoseReceiverConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let defaults = FirehoseReceiverConfiguration(name: name, accessKeys: [])
        let keys = node.stringList("access_keys")
        if keys == nil {
            node.problem("missing required key \"access_keys\" (a list of accepted access keys)", at: "\(node.path).access_keys")
        }
        let configuration = FirehoseReceiverConfiguration(
            name: name,
            path: node.string("path", default: defaults.path),
            accessKeys: keys ?? [],
            maxBodyBytes: node.int("max_body_bytes", default: defaults.maxBodyBytes, range: 1024...(1 << 30)),
            rememberedRequestIDs: node.int("remembered_request_ids", default: defaults.rememberedRequestIDs, range: 0...1_000_000),
            keepRaw: node.bool("keep_raw", default: defaults.keepRaw)
        )
        PushConfigProblems.report(configuration.problems(), at: node, skipping: keys == nil ? ["access_keys"] : [])
        return keys == nil ? nil : configuration
    }
}

/// Reports a configuration's `key: message` problems at their YAML paths.
enum PushConfigProblems {
    static func report(_ problems: [String], at node: ConfigNode, skipping: Set<String> = []) {
        for problem in problems {
            let parts = problem.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                node.problem(problem)
                continue
            }
            let key = parts[0]
            let root = String(key.prefix { $0 != "." && $0 != "[" })
            if skipping.contains(root) { continue }
            node.problem(String(parts[1].drop(while: { $0 == " " })), at: "\(node.path).\(key)")
        }
    }
}
