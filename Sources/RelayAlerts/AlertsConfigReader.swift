import RelayConfig
import RelayCore

/// Reads the `alerts:` section.
public enum AlertsConfigReader {
    static let keys: Set<String> = [
        "targets", "source_failing_secs", "outbox_age_secs", "evaluate_interval_secs", "resolve_after_secs",
        "request_timeout_secs", "retry",
    ]
    static let targetKeys: Set<String> = ["type", "url", "routing_key"]

    public static func read(_ node: ConfigNode) -> AlertsConfiguration? {
        guard node.mapping() != nil else { return nil }
        node.rejectUnknownKeys(allowed: keys)
        let defaults = AlertsConfiguration()
        var targets: [AlertTarget] = []
        if let section = node.optional("targets"), let members = section.mapping() {
            if members.isEmpty { section.problem("must name at least one target") }
            for (name, target) in members {
                if let target = readTarget(name: name, target) { targets.append(target) }
            }
        } else if node.optional("targets") == nil {
            node.problem("missing required key \"targets\" (at least one alert target)", at: "\(node.path).targets")
        }
        return AlertsConfiguration(
            targets: targets,
            sourceFailingAfter: node.seconds(
                "source_failing_secs", default: defaults.sourceFailingAfter, range: 1...(7 * 86_400)),
            outboxAgeLimit: node.seconds("outbox_age_secs", default: defaults.outboxAgeLimit, range: 1...(30 * 86_400)),
            evaluateInterval: node.seconds(
                "evaluate_interval_secs", default: defaults.evaluateInterval, range: 1...3600),
            resolveAfter: node.seconds("resolve_after_secs", default: defaults.resolveAfter, range: 0...86_400),
            retry: DeliveryConfigReader.retry(node.optional("retry"), default: AlertsConfiguration.defaultRetry),
            requestTimeout: node.seconds("request_timeout_secs", default: defaults.requestTimeout, range: 1...300)
        )
    }

    private static func readTarget(name: String, _ node: ConfigNode) -> AlertTarget? {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else {
            node.problem("target names may use letters, digits, '_' and '-' only")
            return nil
        }
        guard node.mapping() != nil else { return nil }
        node.rejectUnknownKeys(allowed: targetKeys)
        guard let type = node.requiredString("type") else { return nil }
        guard let kind = AlertTarget.Kind(rawValue: type) else {
            let known = AlertTarget.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            node.optional("type")?.problem(
                "unknown alert target type \"\(node.optional("type")?.writtenText ?? type)\" (known: \(known))")
            return nil
        }
        switch kind {
        case .webhook, .slack:
            if let key = node.optional("routing_key") { key.problem("routing_key is only used by pagerduty targets") }
            // The URL is the credential of a webhook (Slack's path, a token in the query), so it may
            // carry a query, unlike sink endpoints; one not read yet (Secrets Manager) is checked when used.
            guard let url = node.credential("url") else { return nil }
            if !url.value.isEmpty {
                DeliveryConfigReader.checkURL(url.value, node.optional("url"), allowingQuery: true)
            }
            return AlertTarget(name: name, kind: kind, url: url)
        case .pagerduty:
            let url = node.string("url", default: AlertTarget.pagerDutyEventsURL)
            DeliveryConfigReader.checkURL(url, node.optional("url"), allowingQuery: true)
            guard let key = node.credential("routing_key") else { return nil }
            return AlertTarget(name: name, kind: kind, url: url, routingKey: key)
        }
    }
}
