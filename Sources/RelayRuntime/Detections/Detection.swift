import RelayCore
import RelayPatterns

/// A `detections:` entry: events matching `pattern` raise an alert at the named alert targets.
public struct Detection: Sendable {
    /// How urgent a fired detection is.
    public enum Severity: String, Sendable, CaseIterable {
        case info, warning, critical
    }

    /// At most one alert per group key within `suppress`.
    public struct Throttle: Sendable, Equatable {
        /// Normalized event fields whose values form the group key (empty: one group).
        public var groupBy: [String]
        /// How long a fired group stays quiet.
        public var suppress: Duration

        public init(groupBy: [String], suppress: Duration) {
            self.groupBy = groupBy
            self.suppress = suppress
        }
    }

    public var name: String
    /// The pattern as written, for the status page and `ccrelay generate`.
    public var pattern: JSONValue
    public var matcher: EventPattern
    public var severity: Severity
    /// Names of targets configured under `alerts.targets`.
    public var targets: [String]
    public var throttle: Throttle?

    public init(
        name: String, pattern: JSONValue, matcher: EventPattern, severity: Severity, targets: [String],
        throttle: Throttle? = nil
    ) {
        self.name = name
        self.pattern = pattern
        self.matcher = matcher
        self.severity = severity
        self.targets = targets
        self.throttle = throttle
    }

    /// Whether `event` fires this detection (before throttling).
    public func matches(_ event: Event) -> Bool { matcher.matches(event) }

    /// The throttle group of `event`: the values of the `group_by` fields, in order.
    public func groupKey(of event: Event) -> String { groupKey(ofJSON: event.jsonValue) }

    /// The throttle group of a normalized event as stored (its JSON form).
    public func groupKey(ofJSON fields: JSONValue) -> String {
        guard let throttle else { return name }
        let values = throttle.groupBy.map { field -> String in
            guard let value = fields[field] else { return "" }
            return value.stringValue ?? String(decoding: JSONWriter.encode(value), as: UTF8.self)
        }
        return ([name] + values).joined(separator: "\u{1F}")
    }
}
