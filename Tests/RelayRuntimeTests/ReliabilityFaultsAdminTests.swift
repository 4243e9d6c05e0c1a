import Foundation
import RelayCore
import RelayHTTP
import RelaySandbox
import Testing

/// The emulators' run-time fault control (`POST /_sandbox/faults`, `GET /_sandbox/stats`) that chaos
/// runs against `ccrelay sandbox` use.
@Suite("Reliability: sandbox fault control", .tags(.reliability))
struct ReliabilityFaultsAdminTests {
    static func post(_ url: String, _ body: String, headers: [(name: String, value: String)] = []) async throws
        -> InboundResponse
    {
        try await HTTPTransport().send(
            OutboundRequest(method: "POST", url: url, headers: headers, body: Array(body.utf8)))
    }

    static func stats(_ base: String) async throws -> JSONValue {
        try JSONParser.parse(
            try await HTTPTransport().send(OutboundRequest(method: "GET", url: base + "/_sandbox/stats")).body)
    }

    @Test("HEC: busy faults switched on at run time answer 503 code 9, then clear ends them; stats count them")
    func hecFaults() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: .reliability) { base in
            let applied = try await Self.post(base + "/_sandbox/faults", #"{"busy": 1000}"#)
            #expect(applied.status == 200)
            let auth = [(name: "Authorization", value: "Splunk \(SplunkHECConfiguration.defaultToken)")]
            let event = #"{"event": "x", "fields": {"event_id": "e1"}}"#
            let busy = try await Self.post(base + "/services/collector/event", event, headers: auth)
            #expect(busy.status == 503)
            #expect(try JSONParser.parse(busy.body)["code"]?.int64Value == 9)
            #expect(try await Self.post(base + "/_sandbox/faults", #"{"clear": true}"#).status == 200)
            #expect(try await Self.post(base + "/services/collector/event", event, headers: auth).status == 200)
            let stats = try await Self.stats(base)
            #expect(stats["faults_served"]?.int64Value == 1)
            #expect(stats["faults_queued"]?.int64Value == 0)
            #expect(stats["stored"]?.int64Value == 1)
            #expect(stats["distinct_event_ids"]?.int64Value == 1)
        }
    }

    @Test("an unknown knob or a bad value is a 400 naming it, and nothing is applied")
    func rejectsUnknownKnobs() async throws {
        let sumo = SumoLogicEmulator()
        try await Sandbox.withRunning(sumo: sumo, logger: .reliability) { url in
            let root = url.components(separatedBy: "/receiver/")[0]
            let unknown = try await Self.post(root + "/_sandbox/faults", #"{"unavailable": 2, "melt": 1}"#)
            #expect(unknown.status == 400)
            #expect(String(decoding: unknown.body, as: UTF8.self).contains("melt"))
            let bad = try await Self.post(root + "/_sandbox/faults", #"{"unavailable": -1}"#)
            #expect(bad.status == 400)
            #expect(String(decoding: bad.body, as: UTF8.self).contains("unavailable"))
            #expect(sumo.stats.faultsServed == 0)
            #expect(try await Self.post(url, "line").status == 200)
        }
    }

    @Test("Genesys: a daily limit switched on at run time answers 429 with the daily key")
    func genesysDailyLimit() async throws {
        let org = GenesysOrgEmulator(configuration: .init(historyPerService: 0), clock: SystemClock())
        try await Sandbox.withRunning(genesys: org, logger: .reliability) { base in
            #expect(try await Self.post(base + "/_sandbox/faults", #"{"daily_limit_secs": 3600}"#).status == 200)
            let form =
                "grant_type=client_credentials&client_id=\(org.configuration.clientID)&client_secret=\(org.configuration.clientSecret)"
            let token =
                try JSONParser.parse(
                    try await Self.post(
                        base + "/oauth/token", form,
                        headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")]
                    ).body)["access_token"]?.stringValue ?? ""
            let response = try await HTTPTransport().send(
                OutboundRequest(
                    method: "GET", url: base + "/api/v2/audits/query/servicemapping",
                    headers: [(name: "Authorization", value: "Bearer \(token)")]))
            #expect(response.status == 429)
            #expect((Int(response.header("Retry-After") ?? "") ?? 0) > 3000)
            #expect(try await Self.stats(base)["rate_limited_responses"]?.int64Value == 1)
        }
    }
}
