import RelayAlerts
import RelayCore

/// The JSON body one alert target receives when a detection fires.
public enum DetectionPayload {
    /// The body for `target`'s kind: a generic webhook gets the whole normalized event, Slack one
    /// line, PagerDuty an Events API v2 trigger deduplicated per detection and event.
    public static func body(detection: Detection, event: JSONValue, eventID: String, target: AlertTarget) -> JSONValue {
        let summary = summary(detection: detection, event: event, eventID: eventID)
        switch target.kind {
        case .webhook:
            return [
                "alert": "detection",
                "state": "firing",
                "detection": .string(detection.name),
                "severity": .string(detection.severity.rawValue),
                "event_id": .string(eventID),
                "message": .string(summary),
                "event": event,
            ]
        case .slack:
            return ["text": .string(":rotating_light: \(slackEscaped(summary))")]
        case .pagerduty:
            return [
                "routing_key": .string(target.routingKey?.value ?? ""),
                "event_action": "trigger",
                "dedup_key": .string("ccrelay/detection/\(detection.name)/\(eventID)"),
                "payload": [
                    "summary": .string(String(summary.prefix(1024))),
                    "source": .string("ccrelay/detection/\(detection.name)"),
                    "severity": .string(detection.severity.rawValue),
                    "timestamp": event["timestamp"] ?? .null,
                    "class": "detection",
                    "custom_details": event,
                ],
            ]
        }
    }

    /// Slack's three control characters escaped, so event text (an actor named `<!channel>`, say)
    /// cannot mention people or make links.
    static func slackEscaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }

    /// "ccrelay detection NAME (SEVERITY): EVENT_TYPE by ACTOR on TARGET at TIME (event_id ID)".
    static func summary(detection: Detection, event: JSONValue, eventID: String) -> String {
        func text(_ keys: String...) -> String {
            keys.lazy.compactMap { event[$0]?.stringValue }.first { !$0.isEmpty } ?? "?"
        }
        return "ccrelay detection \(detection.name) (\(detection.severity.rawValue)): \(text("event_type")) by "
            + "\(text("actor_name", "actor_id")) on \(text("target_name", "target_id")) at \(text("timestamp")) "
            + "(event_id \(eventID))"
    }
}
