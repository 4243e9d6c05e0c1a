import RelayCore
import Testing

@Suite("EventRouter")
struct RouterTests {
    static let event = Event(
        eventID: "id", timestamp: Timestamp(millisecondsSinceEpoch: 0), platform: .genesys,
        sourceKind: "audit", eventType: "X"
    )

    static let router = EventRouter(routes: [
        Route(name: "audit-to-siem", from: ["genesys", "cxone"], to: ["splunk", "datadog"]),
        Route(name: "genesys-archive", from: ["genesys"], to: ["datadog", "s3", "splunk"]),
        Route(name: "cxone-extra", from: ["cxone"], to: ["sumo", "sumo"]),
        Route(name: "dangling", from: ["unused"], to: []),
    ])

    @Test(
        "an event goes to the union of its source's routes, each sink once, in route order",
        arguments: [
            ("genesys", ["splunk", "datadog", "s3"]),
            ("cxone", ["splunk", "datadog", "sumo"]),
            ("unused", []),
            ("unknown-source", []),
            ("", []),
        ]
    )
    func union(_ source: String, expected: [String]) {
        #expect(Self.router.sinks(forSource: source, event: Self.event) == expected)
        #expect(Self.router.sinks(fedBy: source) == expected)
    }

    @Test("source names match exactly")
    func exactMatch() {
        #expect(Self.router.sinks(forSource: "Genesys", event: Self.event).isEmpty)
        #expect(Self.router.sinks(forSource: "genesys ", event: Self.event).isEmpty)
    }

    @Test("no routes, no sinks")
    func empty() {
        #expect(EventRouter(routes: []).sinks(forSource: "genesys", event: Self.event).isEmpty)
    }
}
