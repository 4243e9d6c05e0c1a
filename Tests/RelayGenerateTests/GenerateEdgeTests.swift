import Foundation
import RelayCore
import RelayGenerate
import RelayGenesys
import Testing

@Suite("Edge CPU and memory: panels and threshold alerts")
struct GenerateEdgeTests {
    typealias Support = GenerateTestSupport

    static var input: GenerateInput {
        var input = Support.input
        input.alerts.edgeCPUPct = 90
        input.alerts.edgeMemoryPct = 70
        return input
    }

    @Test("the thresholds default to 85 %")
    func defaults() {
        #expect(GeneratedAlertThresholds().edgeCPUPct == 85)
        #expect(GeneratedAlertThresholds().edgeMemoryPct == 85)
    }

    @Test("Splunk: an alert per metric at its threshold, and a dashboard panel per metric")
    func splunk() async throws {
        let files = Support.files(.splunk, Self.input)
        let stanzas = try await Support.confStanzas("splunk/ccrelay_content/default/savedsearches.conf", of: files)
        let cpu = try #require(stanzas["ccrelay - Edge CPU above 90%"]?["search"])
        #expect(cpu.contains(#"source_kind="edge_metrics""#) && cpu.contains("max(attributes.cpu_pct) AS max_pct"))
        #expect(cpu.hasSuffix("| where max_pct > 90"))
        let memory = try #require(stanzas["ccrelay - Edge memory above 70%"]?["search"])
        #expect(memory.contains("max(attributes.memory_used_pct)") && memory.hasSuffix("| where max_pct > 70"))
        let dashboard = try #require(files["splunk/ccrelay_overview.dashboard.json"])
        #expect(dashboard.contains("timechart span=5m max(attributes.cpu_pct) BY attributes.edge_name"))
        #expect(dashboard.contains("timechart span=5m max(attributes.memory_used_pct) BY attributes.edge_name"))
    }

    @Test("Datadog: a monitor per metric on its maximum per edge, and a widget per metric")
    func datadog() throws {
        let files = Support.files(.datadog, Self.input)
        let cpu = try JSONParser.parse(Array(try #require(files["datadog/monitors/edge_cpu_high.json"]).utf8))
        #expect(
            cpu["query"]?.stringValue
                == #"logs("service:ccrelay-prod @source_kind:edge_metrics").index("*").rollup("max", "@attributes.cpu_pct").by("@attributes.edge_name").last("10m") > 90"#
        )
        #expect(cpu["options"]?["thresholds"]?["critical"] == 90)
        let memory = try JSONParser.parse(Array(try #require(files["datadog/monitors/edge_memory_high.json"]).utf8))
        #expect(memory["query"]?.stringValue?.hasSuffix(#".last("10m") > 70"#) == true)
        let dashboard = try JSONParser.parse(Array(try #require(files["datadog/dashboard.json"]).utf8))
        let titles = dashboard["widgets"]?.arrayValue?.compactMap { $0["definition"]?["title"]?.stringValue } ?? []
        #expect(
            titles.contains("Edge CPU % (highest per edge)") && titles.contains("Edge memory used % (highest per edge)")
        )
    }

    @Test("Sumo: a scheduled search per metric at its threshold, and a panel query per metric")
    func sumo() throws {
        let json = try JSONParser.parse(
            Array(try #require(Support.files(.sumo, Self.input)["sumo/saved-searches.json"]).utf8))
        let children = try #require(json["children"]?.arrayValue)
        func query(_ name: String) -> String? {
            children.first { $0["name"]?.stringValue == name }?["search"]?["queryText"]?.stringValue
        }
        #expect(query("ccrelay - Edge CPU above 90%")?.hasSuffix("| where max_pct > 90") == true)
        #expect(query("ccrelay - Edge memory above 70%")?.contains(#""attributes.memory_used_pct""#) == true)
        #expect(query("ccrelay - Edge CPU per edge")?.contains("| transpose row _timeslice column edge_name") == true)
        let scheduled = children.first { $0["name"]?.stringValue == "ccrelay - Edge CPU above 90%" }
        #expect(scheduled?["searchSchedule"]?["cronExpression"] == "0 0/5 * * * ? *")
    }

    @Test("the edge fields the content reads are the ones the edge metrics normalizer produces")
    func normalizerFields() throws {
        let event = try GenesysEventBridgeNormalizer().normalize(
            try JSONParser.parse(
                Array(
                    #"""
                    {"version":"0","id":"m1","detail-type":"v2.telephony.providers.edges.{id}.metrics",
                     "source":"aws.partner/genesys.com/cloud/o/s","time":"2024-01-01T00:00:00Z",
                     "detail":{"topicName":"v2.telephony.providers.edges.e1.metrics","version":"2",
                      "eventBody":{"edge":{"id":"e1","name":"edge-a"},"eventTime":"2024-01-01T00:00:00Z",
                       "processors":[{"cpuId":"0","activeTimePct":91.5}],
                       "memory":[{"type":"physical","availableBytes":100,"totalBytes":1000}]}}}
                    """#.utf8)))
        #expect(event.sourceKind == AlertCatalog.edgeSourceKind)
        for field in [AlertCatalog.edgeName] + AlertCatalog.EdgeAlert.allCases.map(\.field) {
            let name = String(field.path.dropFirst(NormalizedSchema.attributesPrefix.count))
            #expect(event.attributes[name] != nil, "\(name)")
        }
        #expect(event.attributes["cpu_pct"]?.doubleValue == 91.5)
    }
}
