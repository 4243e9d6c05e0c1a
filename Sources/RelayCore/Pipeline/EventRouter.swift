/// A route: events from some sources go to some sinks. Event patterns join in a later version.
public struct Route: Sendable, Equatable {
    public var name: String
    /// Source names this route takes events from.
    public var from: [String]
    /// Sink names this route delivers to.
    public var to: [String]

    public init(name: String, from: [String], to: [String]) {
        self.name = name
        self.from = from
        self.to = to
    }
}

/// Decides which sinks' outboxes an event enters: the union of the matching routes' sinks.
public struct EventRouter: Sendable {
    private let sinksBySource: [String: [String]]

    public init(routes: [Route]) {
        var table: [String: [String]] = [:]
        for route in routes {
            for source in route.from {
                var sinks = table[source, default: []]
                for sink in route.to where !sinks.contains(sink) { sinks.append(sink) }
                table[source] = sinks
            }
        }
        self.sinksBySource = table
    }

    /// The sinks for an event from `source`, in route order, each once. Empty when no route matches.
    public func sinks(forSource source: String, event: Event) -> [String] {
        sinksBySource[source] ?? []
    }

    /// Sinks fed by `source` under any route.
    public func sinks(fedBy source: String) -> [String] {
        sinksBySource[source] ?? []
    }
}
