import Foundation
import RelayCore
import RelayGenerate
import RelayGenesys
import Testing

@Suite("Abandonment panels count what Genesys Cloud calls an abandon")
struct GenerateAbandonmentTests {
    typealias Support = GenerateTestSupport

    /// A pushed conversation detail event of `phase` for conversation `c1`.
    private func detailEvent(_ phase: String, body: String) throws -> Event {
        try GenesysEventBridgeNormalizer().normalize(
            try JSONParser.parse(
                Array(
                    #"""
                    {"version":"0","id":"\#(phase)","detail-type":"v2.detail.events.conversation.{id}.\#(phase)",
                     "source":"aws.partner/genesys.com/cloud/o/s","time":"2024-01-01T00:00:00Z",
                     "detail":{"topicName":"v2.detail.events.conversation.c1.\#(phase)","version":"2",
                      "eventBody":{"eventTime":1704067200000,"conversationId":"c1",\#(body)}}}
                    """#.utf8)))
    }

    @Test("the event types and disconnect type the panels read are the normalizer's")
    func normalizerValues() throws {
        let queued = try detailEvent("acd.start", body: #""queueId":"q1""#)
        let agent = try detailEvent("user.start", body: #""userId":"u1""#)
        let left = try detailEvent("customer.end", body: #""disconnectType":"ENDPOINT""#)
        #expect(queued.eventType == AlertCatalog.queueEntryEventType)
        #expect(agent.eventType == AlertCatalog.agentConnectEventType)
        #expect(left.eventType == AlertCatalog.customerEndEventType)
        #expect(left.attributes["disconnect_type"]?.stringValue == AlertCatalog.ownSideHangUp)
        for event in [queued, agent, left] {
            #expect(event.attributes["conversation_id"]?.stringValue == "c1")
            #expect(event.sourceKind == AlertCatalog.conversationSourceKind)
        }
        #expect(
            AlertCatalog.abandonmentEventTypes == [
                AlertCatalog.queueEntryEventType, AlertCatalog.agentConnectEventType, AlertCatalog.customerEndEventType,
            ])
    }

    @Test("the default push topics carry the three phases the panels need")
    func topics() {
        for phase in ["acd.start", "user.start", "customer.end"] {
            #expect(GenerateInput.defaultPushTopics.contains("v2.detail.events.conversation.{id}.\(phase)"))
        }
    }

    @Test("Splunk: a panel per conversation: queued, no agent connected, the customer's own hang-up")
    func splunk() throws {
        let json = try #require(Support.files(.splunk)["splunk/ccrelay_overview.dashboard.json"])
        let sources = try #require(try JSONParser.parse(Array(json.utf8))["dataSources"]?.objectValue)
        let query = try #require(sources.first { $0.key == "ds_abandonment" }?.value["options"]?["query"]?.stringValue)
        #expect(
            query.contains(
                #"event_type IN ("CONVERSATION_ACD_START", "CONVERSATION_USER_START", "CONVERSATION_CUSTOMER_END")"#))
        #expect(query.contains(#"'attributes.disconnect_type'=="ENDPOINT""#))
        #expect(query.contains("BY target_id"))
        #expect(query.contains("| where queued == 1 AND agent_connected == 0 AND customer_left == 1"))
        #expect(!query.contains("PEER"))
    }

    @Test("Sumo: the same definition, aggregated per conversation")
    func sumo() throws {
        let json = try JSONParser.parse(Array(try #require(Support.files(.sumo)["sumo/saved-searches.json"]).utf8))
        let search = try #require(
            json["children"]?.arrayValue?.first { $0["name"]?.stringValue == "ccrelay - Abandoned conversations" })
        let query = try #require(search["search"]?["queryText"]?.stringValue)
        #expect(query.contains(#"disconnect_type = "ENDPOINT""#))
        #expect(query.contains("by conversation_id"))
        #expect(query.contains("| where queued = 1 and agent_connected = 0 and customer_left = 1"))
        #expect(query.contains(#""target_id""#))
    }

    @Test("Datadog: a per-conversation table whose formula is 1 only for an abandon")
    func datadog() throws {
        let json = try JSONParser.parse(Array(try #require(Support.files(.datadog)["datadog/dashboard.json"]).utf8))
        let widget = try #require(
            json["widgets"]?.arrayValue?.first {
                $0["definition"]?["title"]?.stringValue?.hasPrefix("Abandoned") == true
            })
        let request = try #require(widget["definition"]?["requests"]?.arrayValue?.first)
        var searches: [String: String] = [:]
        for query in request["queries"]?.arrayValue ?? [] {
            searches[query["name"]?.stringValue ?? ""] = query["search"]?["query"]?.stringValue
            #expect(query["group_by"]?.arrayValue?.first?["facet"]?.stringValue == "@target_id")
        }
        #expect(searches["queued"]?.hasSuffix("@event_type:CONVERSATION_ACD_START") == true)
        #expect(searches["agent"]?.hasSuffix("@event_type:CONVERSATION_USER_START") == true)
        #expect(
            searches["customer_left"]?.hasSuffix(
                "@event_type:CONVERSATION_CUSTOMER_END @attributes.disconnect_type:ENDPOINT") == true)
        let formula = try #require(request["formulas"]?.arrayValue?.first?["formula"]?.stringValue)
        // Per conversation: 1 when queued and left, and no agent connected (no row: zero).
        #expect(
            formula == "clamp_max(queued, 1) * clamp_max(customer_left, 1) * (1 - clamp_max(default_zero(agent), 1))")
    }
}
