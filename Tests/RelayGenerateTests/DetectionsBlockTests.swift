import RelayConfig
import RelayCore
import RelayGenerate
import RelayRuntime
import Testing
import Yams

/// `ccrelay generate detections` gives a `detections:` block the relay reads, firing on the
/// catalog's events and on nothing else.
@Suite struct DetectionsBlockTests {
    static func event(_ type: String, sourceKind: String = AlertCatalog.auditSourceKind) -> Event {
        Event(
            eventID: "e-\(type)", timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000), platform: .genesys,
            sourceKind: sourceKind, eventType: type, actorID: "u-1", targetID: "oc-7")
    }

    @Test func generatedBlockParsesAndMatchesTheCatalog() throws {
        let yaml = DetectionsBlock.yaml(targets: ["security"])
        let root = try #require(try Yams.compose(yaml: yaml))
        let diagnostics = ConfigDiagnostics()
        let document = ConfigNode(
            node: root, path: "", diagnostics: diagnostics, interpolation: Interpolation(environment: { _ in nil }))
        let section = try #require(document.optional("detections"))
        let detections = DetectionsConfigReader.read(section, alertTargets: ["security"])
        #expect(diagnostics.problems.isEmpty)
        let withPattern = AlertCatalog.Alert.allCases.filter { $0.detectionPattern != nil }
        #expect(detections.map(\.name) == withPattern.map(\.rawValue))
        #expect(withPattern.contains(.oauthClientViewed))

        let oauth = try #require(detections.first { $0.name == AlertCatalog.Alert.oauthClientViewed.rawValue })
        #expect(oauth.severity == .critical)
        #expect(oauth.targets == ["security"])
        for type in AlertCatalog.oauthClientReadEventTypes { #expect(oauth.matches(Self.event(type))) }
        #expect(!oauth.matches(Self.event("OAUTHCLIENT_UPDATED")))
        #expect(!oauth.matches(Self.event("OAUTHCLIENT_VIEWED", sourceKind: AlertCatalog.conversationSourceKind)))
    }
}
