/// Decides whether an event belongs to a route beyond its source (an EventBridge pattern, say).
public protocol EventMatcher: Sendable {
    /// Whether the normalized event matches (as its ``Event/jsonValue`` would).
    func matches(_ event: Event) -> Bool
}

/// A route: events from some sources, optionally only those matching a pattern, go to some sinks.
public struct Route: Sendable, Equatable {
    /// The route named `default` takes the events no other route took.
    public static let defaultName = "default"

    public var name: String
    /// Source names this route takes events from; empty means every source.
    public var from: [String]
    /// Sink names this route delivers to.
    public var to: [String]
    /// The pattern as written, for display and comparison; `nil` means every event.
    public var pattern: JSONValue?
    /// The compiled form of ``pattern``.
    public var matcher: (any EventMatcher)?

    public init(
        name: String, from: [String], to: [String], pattern: JSONValue? = nil, matcher: (any EventMatcher)? = nil
    ) {
        self.name = name
        self.from = from
        self.to = to
        self.pattern = pattern
        self.matcher = matcher
    }

    public static func == (lhs: Route, rhs: Route) -> Bool {
        lhs.name == rhs.name && lhs.from == rhs.from && lhs.to == rhs.to && lhs.pattern == rhs.pattern
    }

    func takes(source: String) -> Bool {
        from.isEmpty || from.contains(source)
    }
}

/// Decides which sinks' outboxes an event enters: the union of the matching routes' sinks, each
/// once; an event no route takes goes to the `default` route when there is one.
public struct EventRouter: Sendable {
    private let routes: [Route]
    private let fallback: Route?
    private let taps: [Route]

    /// Routes only.
    public init(routes: [Route]) { self.init(routes: routes, taps: []) }

    /// - Parameters:
    ///   - routes: the configured routes.
    ///   - taps: routes that copy matching events to their sinks besides the configured routes,
    ///     without taking them: an event only taps match still goes to the `default` route
    ///     (detections, which watch the stream rather than deliver it).
    public init(routes: [Route], taps: [Route]) {
        self.routes = routes.filter { $0.name != Route.defaultName }
        self.fallback = routes.first { $0.name == Route.defaultName }
        self.taps = taps
    }

    /// The sinks for an event from `source`, in route order, each once, then the taps' sinks.
    /// Empty when neither a route nor a tap takes it.
    public func sinks(forSource source: String, event: Event) -> [String] {
        var sinks: [String] = []
        for route in routes where route.takes(source: source) {
            if let matcher = route.matcher, !matcher.matches(event) { continue }
            for sink in route.to where !sinks.contains(sink) { sinks.append(sink) }
        }
        if sinks.isEmpty, let fallback, fallback.takes(source: source),
            fallback.matcher?.matches(event) ?? true
        {
            sinks = fallback.to
        }
        for tap in taps where tap.takes(source: source) {
            if let matcher = tap.matcher, !matcher.matches(event) { continue }
            for sink in tap.to where !sinks.contains(sink) { sinks.append(sink) }
        }
        return sinks
    }

    /// Sinks fed by `source` under any route.
    public func sinks(fedBy source: String) -> [String] {
        var sinks: [String] = []
        for route in routes + (fallback.map { [$0] } ?? []) where route.takes(source: source) {
            for sink in route.to where !sinks.contains(sink) { sinks.append(sink) }
        }
        return sinks
    }
}
