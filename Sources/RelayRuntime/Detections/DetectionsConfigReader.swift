import RelayConfig
import RelayCore
import RelayPatterns

/// Reads the `detections:` section; every problem names its path.
public enum DetectionsConfigReader {
    static let keys: Set<String> = ["pattern", "severity", "targets", "throttle"]
    static let throttleKeys: Set<String> = ["group_by", "suppress_secs"]

    /// The detections of `node`, checking `targets` against `alertTargets` (the names under
    /// `alerts.targets`).
    public static func read(_ node: ConfigNode, alertTargets: [String]) -> [Detection] {
        guard let members = node.mapping() else { return [] }
        var detections: [Detection] = []
        for (name, entry) in members {
            guard
                !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else {
                entry.problem("detection names may use letters, digits, '_' and '-' only")
                continue
            }
            if let detection = readDetection(name: name, entry, alertTargets: alertTargets) {
                detections.append(detection)
            }
        }
        return detections
    }

    private static func readDetection(name: String, _ node: ConfigNode, alertTargets: [String]) -> Detection? {
        guard node.mapping() != nil else { return nil }
        node.rejectUnknownKeys(allowed: keys)
        let matcher = readPattern(node)
        let severity = readSeverity(node)
        let targets = readTargets(node, alertTargets: alertTargets)
        let throttle = node.optional("throttle").flatMap(readThrottle)
        guard let (pattern, compiled) = matcher, let severity, let targets else { return nil }
        return Detection(
            name: name, pattern: pattern, matcher: compiled, severity: severity, targets: targets, throttle: throttle)
    }

    private static func readPattern(_ node: ConfigNode) -> (JSONValue, EventPattern)? {
        guard let patternNode = node.optional("pattern") else {
            node.problem("missing required key \"pattern\" (an event pattern)", at: "\(node.path).pattern")
            return nil
        }
        guard let json = patternNode.jsonValue() else { return nil }
        do {
            return (json, try EventPattern(compiling: json))
        } catch {
            let at = error.path.isEmpty ? patternNode.path : "\(patternNode.path).\(error.path)"
            patternNode.problem("invalid event pattern: \(error.reason)", at: at)
            return nil
        }
    }

    private static func readSeverity(_ node: ConfigNode) -> Detection.Severity? {
        guard let text = node.requiredString("severity") else { return nil }
        guard let severity = Detection.Severity(rawValue: text) else {
            let known = Detection.Severity.allCases.map(\.rawValue).joined(separator: ", ")
            node.optional("severity")?.problem("unknown severity \"\(text)\" (known: \(known))")
            return nil
        }
        return severity
    }

    private static func readTargets(_ node: ConfigNode, alertTargets: [String]) -> [String]? {
        guard let names = node.stringList("targets") else {
            if node.optional("targets") == nil {
                node.problem("missing required key \"targets\" (alert target names)", at: "\(node.path).targets")
            }
            return nil
        }
        if names.isEmpty { node.optional("targets")?.problem("must name at least one alert target") }
        var valid = true
        for (index, name) in names.enumerated() where !alertTargets.contains(name) {
            node.problem(
                "unknown alert target \"\(name)\" (configure it under alerts.targets)",
                at: "\(node.path).targets[\(index)]")
            valid = false
        }
        return valid && !names.isEmpty ? names : nil
    }

    private static func readThrottle(_ node: ConfigNode) -> Detection.Throttle? {
        guard node.mapping() != nil else { return nil }
        node.rejectUnknownKeys(allowed: throttleKeys)
        let groupBy = node.optional("group_by") == nil ? [] : (node.stringList("group_by") ?? [])
        guard node.optional("suppress_secs") != nil else {
            node.problem("missing required key \"suppress_secs\"", at: "\(node.path).suppress_secs")
            return nil
        }
        let suppress = node.seconds("suppress_secs", default: .zero, range: 1...(30 * 86_400))
        return Detection.Throttle(groupBy: groupBy, suppress: suppress)
    }
}
