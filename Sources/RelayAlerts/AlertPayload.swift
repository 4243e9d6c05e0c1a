import RelayCore

/// The JSON body one target receives for one alert.
public enum AlertPayload {
    /// PagerDuty caps `summary` at 1024 characters.
    static let summaryLimit = 1024

    /// The body for `target`'s kind.
    public static func body(for notification: AlertNotification, target: AlertTarget) -> JSONValue {
        switch target.kind {
        case .webhook: generic(notification)
        case .slack: slack(notification)
        case .pagerduty: pagerDuty(notification, routingKey: target.routingKey?.value ?? "")
        }
    }

    /// `{alert, state, component, message, at}`.
    public static func generic(_ notification: AlertNotification) -> JSONValue {
        [
            "alert": .string(notification.condition.kind.rawValue),
            "state": .string(notification.state.rawValue),
            "component": .string(notification.condition.component),
            "message": .string(notification.message),
            "at": .string(notification.at.timestamp.iso8601),
        ]
    }

    /// A Slack incoming webhook's `{text}`.
    public static func slack(_ notification: AlertNotification) -> JSONValue {
        let marker = notification.state == .firing ? ":rotating_light: FIRING" : ":white_check_mark: RESOLVED"
        let text =
            "\(marker) ccrelay \(notification.condition.kind.rawValue) at \(notification.condition.component): "
            + "\(notification.message) (\(notification.at.timestamp.iso8601))"
        return ["text": .string(text)]
    }

    /// PagerDuty Events API v2: a trigger or resolve with the condition's stable `dedup_key`.
    public static func pagerDuty(_ notification: AlertNotification, routingKey: String) -> JSONValue {
        let summary =
            "ccrelay \(notification.condition.kind.rawValue) at \(notification.condition.component): \(notification.message)"
        return [
            "routing_key": .string(routingKey),
            "event_action": .string(notification.state == .firing ? "trigger" : "resolve"),
            "dedup_key": .string(notification.condition.key),
            "payload": [
                "summary": .string(String(summary.prefix(summaryLimit))),
                "source": .string("ccrelay/\(notification.condition.component)"),
                "severity": .string(severity(of: notification.condition.kind)),
                "timestamp": .string(notification.at.timestamp.iso8601),
                "class": .string(notification.condition.kind.rawValue),
            ],
        ]
    }

    /// PagerDuty severity per kind: a rejected credential stops everything it feeds.
    static func severity(of kind: AlertKind) -> String {
        switch kind {
        case .credentialRejected: "critical"
        case .deadLetters, .sourceFailing: "error"
        case .outboxStale, .acknowledgementsFailing: "warning"
        }
    }
}
