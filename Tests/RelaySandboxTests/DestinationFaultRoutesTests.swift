import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// Run-time fault control (`POST /_sandbox/faults`, `GET /_sandbox/stats`) of the Elasticsearch and
/// Microsoft Sentinel emulators, as chaos runs against `ccrelay sandbox` use it.
@Suite("Elasticsearch and Sentinel emulators: run-time faults", .timeLimit(.minutes(1)))
struct DestinationFaultRoutesTests {
    static let apiKey = [("Authorization", "ApiKey \(ElasticsearchConfiguration.defaultAPIKey)")]

    static func bulk(_ ids: [String]) -> [UInt8] {
        let lines = ids.map { id in
            #"{"create":{"_index":"logs-ccrelay-default","_id":"\#(id)"}}"# + "\n"
                + #"{"@timestamp":"2026-12-04T10:00:00.000Z","event_id":"\#(id)"}"# + "\n"
        }
        return Array(lines.joined().utf8)
    }

    static func post(_ url: String, _ body: [UInt8], headers: [(String, String)] = apiKey) async throws
        -> TestResponse
    {
        try await TestHTTP.send(.POST, url, headers: headers + [("Content-Type", "application/x-ndjson")], body: body)
    }

    static func knobs(_ url: String, _ json: String) async throws -> TestResponse {
        try await TestHTTP.send(
            .POST, url + "/_sandbox/faults", headers: [("Content-Type", "application/json")], body: Array(json.utf8))
    }

    @Test("Elasticsearch: throttled, unavailable and throttled items are served in order, then normal service")
    func elasticsearchQueuedFaults() async throws {
        let cluster = ElasticsearchEmulator()
        try await Sandbox.withRunning(elasticsearch: cluster, logger: TestHTTP.logger) { url in
            let applied = try await Self.knobs(
                url, #"{"throttled": 1, "retry_after_secs": 7, "unavailable": 1, "throttled_items": 1}"#)
            #expect(applied.status == 200)
            let throttled = try await Self.post(url + "/_bulk", Self.bulk(["a", "b"]))
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "7")
            #expect(try await Self.post(url + "/_bulk", Self.bulk(["a", "b"])).status == 503)
            let items = try await Self.post(url + "/_bulk", Self.bulk(["a", "b"]))
            #expect(items.status == 200)
            let statuses = items.json?["items"]?.arrayValue?.compactMap {
                $0["create"]?["status"]?.int64Value
            }
            #expect(statuses == [429, 201])
            #expect(try await Self.post(url + "/_bulk", Self.bulk(["a"])).status == 200)
            let stats = try #require(try await TestHTTP.send(.GET, url + "/_sandbox/stats").json)
            #expect(stats["faults_served"]?.int64Value == 3)
            #expect(stats["faults_queued"]?.int64Value == 0)
            #expect(stats["stored"]?.int64Value == 2)
            #expect(stats["distinct_event_ids"]?.int64Value == 2)
            #expect(stats["created"]?.int64Value == 2)
        }
    }

    @Test("Elasticsearch: a lost answer indexes the items and hangs up; their resend is answered 409 each")
    func elasticsearchLostAnswer() async throws {
        let cluster = ElasticsearchEmulator()
        try await Sandbox.withRunning(elasticsearch: cluster, logger: TestHTTP.logger) { url in
            #expect(try await Self.knobs(url, #"{"lose_answers": 1}"#).status == 200)
            await #expect(throws: (any Error).self) {
                try await Self.post(url + "/_bulk", Self.bulk(["x", "y"]))
            }
            let resent = try await Self.post(url + "/_bulk", Self.bulk(["x", "y"]))
            #expect(resent.json?["errors"] == .bool(true))
            let statuses = resent.json?["items"]?.arrayValue?.compactMap { $0["create"]?["status"]?.int64Value }
            #expect(statuses == [409, 409])
            let stats = try #require(try await TestHTTP.send(.GET, url + "/_sandbox/stats").json)
            #expect(stats["conflicts"]?.int64Value == 2)
            #expect(stats["stored"]?.int64Value == 2)
        }
        #expect(cluster.documents.map(\.id) == ["x", "y"])
    }

    @Test("Elasticsearch: clear drops queued faults; an unknown knob is a 400 naming it, nothing applied")
    func elasticsearchClearAndUnknown() async throws {
        let cluster = ElasticsearchEmulator()
        try await Sandbox.withRunning(elasticsearch: cluster, logger: TestHTTP.logger) { url in
            let unknown = try await Self.knobs(url, #"{"unauthorized": 1, "melt": 1}"#)
            #expect(unknown.status == 400)
            #expect(unknown.text.contains("melt"))
            #expect(try await Self.knobs(url, #"{"unauthorized": 1000}"#).status == 200)
            #expect(try await Self.post(url + "/_bulk", Self.bulk(["a"])).status == 401)
            #expect(try await Self.knobs(url, #"{"clear": true}"#).status == 200)
            #expect(try await Self.post(url + "/_bulk", Self.bulk(["a"])).status == 200)
        }
        #expect(cluster.stats.faultsServed == 1)
    }

    static func token(_ url: String, _ configuration: SentinelEmulatorConfiguration) async throws -> String {
        let form =
            "grant_type=client_credentials&client_id=\(configuration.clientID)&client_secret=\(configuration.clientSecrets.sorted()[0])&scope=https%3A%2F%2Fmonitor.azure.com%2F%2F.default"
        let response = try await TestHTTP.send(
            .POST, url + "/\(configuration.tenantID)/oauth2/v2.0/token",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        return try #require(response.json?["access_token"]?.stringValue)
    }

    static func ingest(_ url: String, _ configuration: SentinelEmulatorConfiguration, token: String, id: String)
        async throws -> TestResponse
    {
        let path =
            "/dataCollectionRules/\(configuration.dcrImmutableID)/streams/\(configuration.streams.sorted()[0])?api-version=2023-01-01"
        return try await TestHTTP.postJSON(
            url + path, [["EventId": .string(id)]], headers: [("Authorization", "Bearer \(token)")])
    }

    @Test("Sentinel: 429 with Retry-After, 503, rotated tokens (401) and a revoked role (403) at run time")
    func sentinelFaults() async throws {
        let configuration = SentinelEmulatorConfiguration()
        let sentinel = SentinelEmulator(configuration: configuration)
        try await Sandbox.withRunning(sentinel: sentinel, logger: TestHTTP.logger) { url in
            let first = try await Self.token(url, configuration)
            let knobs = #"{"too_many_requests": 1, "retry_after_secs": 5, "unavailable": 1}"#
            #expect(try await Self.knobs(url, knobs).status == 200)
            let throttled = try await Self.ingest(url, configuration, token: first, id: "e1")
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "5")
            #expect(try await Self.ingest(url, configuration, token: first, id: "e1").status == 503)
            #expect(try await Self.ingest(url, configuration, token: first, id: "e1").status == 204)

            #expect(try await Self.knobs(url, #"{"rotate_tokens": true}"#).status == 200)
            #expect(try await Self.ingest(url, configuration, token: first, id: "e2").status == 401)
            let second = try await Self.token(url, configuration)
            #expect(try await Self.knobs(url, #"{"revoke_role": true}"#).status == 200)
            #expect(try await Self.ingest(url, configuration, token: second, id: "e2").status == 403)
            #expect(try await Self.knobs(url, #"{"restore_role": true}"#).status == 200)
            #expect(try await Self.ingest(url, configuration, token: second, id: "e2").status == 204)

            let stats = try #require(try await TestHTTP.send(.GET, url + "/_sandbox/stats").json)
            #expect(stats["faults_served"]?.int64Value == 2)
            #expect(stats["unauthorized"]?.int64Value == 1)
            #expect(stats["tokens_issued"]?.int64Value == 2)
            #expect(stats["stored"]?.int64Value == 2)
            #expect(stats["distinct_event_ids"]?.int64Value == 2)
        }
    }
}
