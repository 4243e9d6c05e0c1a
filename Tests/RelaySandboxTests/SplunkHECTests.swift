import RelayCore
import RelaySandbox
import Testing

/// Posts to a running HEC emulator.
struct HECTestClient: Sendable {
    let baseURL: String
    var path = "/services/collector/event"

    func post(
        _ body: String,
        token: String? = "sandbox-hec-token",
        headers: [(String, String)] = [],
        query: String = "",
        gzip: Bool = false
    ) async throws -> TestResponse {
        var allHeaders = headers
        if let token { allHeaders.append(("Authorization", "Splunk \(token)")) }
        var bytes = Array(body.utf8)
        if gzip {
            bytes = try TestHTTP.gzip(bytes)
            allHeaders.append(("Content-Encoding", "gzip"))
        }
        return try await TestHTTP.send(.POST, baseURL + path + query, headers: allHeaders, body: bytes)
    }
}

extension TestResponse {
    var hecCode: Int64? { json?["code"]?.int64Value }
    var invalidEventNumber: Int64? { json?["invalid-event-number"]?.int64Value }
}

@Suite("Splunk HEC emulator: batches, auth and error codes", .timeLimit(.minutes(1)))
struct SplunkHECTests {
    @Test("a concatenated batch is indexed with its envelope fields and answered code 0")
    func goodBatch() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let batch = """
                {"time":1433188255.500,"host":"relay-1","source":"genesys","sourcetype":"genesys:audit","index":"ccas",\
                "fields":{"event_id":"e1","tags":["a","b"]},"event":{"id":"e1","action":"View"}}
                  {"event":"plain text"}{"event":{"n":2}}
                """
            let response = try await HECTestClient(baseURL: url).post(
                batch, headers: [("X-Splunk-Request-Channel", "0b1c2d3e-0000-4000-8000-000000000001")]
            )
            #expect(response.status == 200)
            #expect(response.json == ["text": "Success", "code": 0])
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
        }
        let events = hec.events
        #expect(events.count == 3)
        #expect(
            events.first
                == HECIndexedEvent(
                    index: "ccas", host: "relay-1", source: "genesys", sourcetype: "genesys:audit",
                    time: .number(JSONNumber(uncheckedLiteral: "1433188255.500")),
                    fields: JSONObject(["event_id": "e1", "tags": ["a", "b"]]),
                    event: ["id": "e1", "action": "View"],
                    channel: "0b1c2d3e-0000-4000-8000-000000000001"
                )
        )
        #expect(events[1].index == "main")
        #expect(events[1].event == "plain text")
        #expect(events[1].host == nil && events[1].time == nil && events[1].fields.isEmpty)
        #expect(
            hec.stats
                == {
                    var stats = HECStats()
                    stats.requests = 1
                    stats.acceptedBatches = 1
                    return stats
                }())
    }

    @Test("gzip bodies are inflated; every collector path accepts events")
    func gzipAndPaths() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            var client = HECTestClient(baseURL: url)
            let zipped = try await client.post(#"{"event":"zipped-1"}{"event":"zipped-2"}"#, gzip: true)
            #expect(zipped.hecCode == 0)
            for path in ["/services/collector", "/services/collector/event/1.0"] {
                client.path = path
                #expect(try await client.post(#"{"event":"\#(path)"}"#).hecCode == 0)
            }
            let notGzip = try await TestHTTP.send(
                .POST, url + "/services/collector/event",
                headers: [("Authorization", "Splunk sandbox-hec-token"), ("Content-Encoding", "gzip")],
                body: Array(#"{"event":"x"}"#.utf8)
            )
            #expect(notGzip.status == 400)
            #expect(notGzip.hecCode == 6)
        }
        #expect(
            hec.events.map(\.event) == ["zipped-1", "zipped-2", "/services/collector", "/services/collector/event/1.0"])
    }

    @Test("authentication failures answer codes 2, 3, 4, 1 and 16 with their HTTP statuses")
    func authenticationCodes() async throws {
        let hec = SplunkHECEmulator(
            configuration: .init(tokens: ["good": ["main"], "off": ["main"]], disabledTokens: ["off"])
        )
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let client = HECTestClient(baseURL: url)
            let event = #"{"event":"x"}"#
            let cases: [(TestResponse, Int, Int64)] = [
                (try await client.post(event, token: nil), 401, 2),
                (try await client.post(event, token: nil, headers: [("Authorization", "Bearer good")]), 401, 3),
                (try await client.post(event, token: nil, headers: [("Authorization", "Splunk")]), 401, 3),
                (try await client.post(event, token: "unknown"), 403, 4),
                (try await client.post(event, token: "off"), 403, 1),
                (try await client.post(event, token: nil, query: "?token=good"), 400, 16),
            ]
            for (response, status, code) in cases {
                #expect(response.status == status)
                #expect(response.hecCode == code)
                #expect(response.json?["text"]?.stringValue?.isEmpty == false)
                #expect(!response.text.contains("good"))
            }
            #expect(try await client.post(event, token: "good").hecCode == 0)
        }
        #expect(hec.events.count == 1)
        #expect(hec.stats.rejectedBatches == 6)
        #expect(hec.stats.acceptedBatches == 1)
    }

    @Test("query-string tokens are accepted when enabled")
    func queryStringAuth() async throws {
        let hec = SplunkHECEmulator(configuration: .init(queryStringAuthEnabled: true))
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let response = try await HECTestClient(baseURL: url).post(
                #"{"event":"q"}"#, token: nil, query: "?token=sandbox-hec-token&channel=abc"
            )
            #expect(response.hecCode == 0)
        }
        #expect(hec.events.first?.channel == "abc")
    }

    @Test("an empty body is 400 code 5 with a good token (token validation) and 403 with a bad one")
    func emptyBody() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let client = HECTestClient(baseURL: url)
            for body in ["", " \n\t "] {
                let response = try await client.post(body)
                #expect(response.status == 400)
                #expect(response.json == ["text": "No data", "code": 5])
            }
            #expect(try await client.post("", token: "wrong").hecCode == 4)
        }
    }

    @Test(
        "a bad event is refused with its code and zero-based invalid-event-number; the events before it are indexed",
        arguments: [
            (#"{"event":"ok"}{"event":"ok"}{"event":"tr"#, 6, 2),
            (#"{"event":"ok"}[1,2]"#, 6, 1),
            (#"{"event":"ok"}{"time":1}"#, 12, 1),
            (#"{"event":""}"#, 13, 0),
            (#"{"event":"ok"}{"event":null}"#, 13, 1),
            (#"{"event":"ok"}{"event":"x","index":"secret"}"#, 7, 1),
            (#"{"event":"x","index":5}"#, 7, 0),
            (#"{"event":"ok"}{"event":"x","fields":{"nested":{"a":"b"}}}"#, 15, 1),
            (#"{"event":"x","fields":{"n":1}}"#, 15, 0),
            (#"{"event":"x","fields":{"list":["a",2]}}"#, 15, 0),
            (#"{"event":"x","fields":"flat"}"#, 15, 0),
            (#"{"event":"x","time":"noon"}"#, 6, 0),
            (#"{"event":"x","host":42}"#, 6, 0),
        ] as [(String, Int, Int)]
    )
    func rejectedBatch(body: String, code: Int, eventNumber: Int) async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let response = try await HECTestClient(baseURL: url).post(body)
            #expect(response.status == 400)
            #expect(response.hecCode == Int64(code))
            #expect(response.invalidEventNumber == Int64(eventNumber))
            #expect(response.json?["text"]?.stringValue?.isEmpty == false)
        }
        #expect(hec.events.count == eventNumber)
        #expect(hec.events.allSatisfy { $0.event == "ok" })
        #expect(hec.stats.rejectedBatches == 1)
        #expect(hec.stats.partiallyIndexedBatches == (eventNumber > 0 ? 1 : 0))
        #expect(hec.stats.acceptedBatches == 0)
    }

    @Test("with acknowledgement, a refusal after indexed events carries their ackId, which reads true")
    func partialBatchWithAcknowledgement() async throws {
        let hec = SplunkHECEmulator()
        let channel = ("X-Splunk-Request-Channel", "0b1c2d3e-0000-4000-8000-000000000002")
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let client = HECTestClient(baseURL: url)
            let token = SplunkHECConfiguration.defaultAckToken
            let response = try await client.post(
                #"{"event":"ok"}{"event":"ok"}{"event":""}{"event":"after"}"#, token: token, headers: [channel])
            #expect(response.status == 400)
            #expect(response.hecCode == 13)
            #expect(response.invalidEventNumber == 2)
            let ackID = try #require(response.json?["ackId"]?.int64Value)
            var ackClient = client
            ackClient.path = "/services/collector/ack"
            let acks = try await ackClient.post(#"{"acks":[\#(ackID)]}"#, token: token, headers: [channel])
            #expect(acks.json?["acks"]?[String(ackID)]?.boolValue == true)
            let refused = try await client.post(#"{"event":""}{"event":"after"}"#, token: token, headers: [channel])
            #expect(refused.json?["ackId"] == nil)
        }
        #expect(hec.events.map(\.event) == ["ok", "ok"])
    }

    @Test("the health endpoint answers code 17 without looking at the token")
    func health() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            for headers in [[], [("Authorization", "Splunk nonsense")]] as [[(String, String)]] {
                let response = try await TestHTTP.send(.GET, url + "/services/collector/health", headers: headers)
                #expect(response.status == 200)
                #expect(response.json == ["text": "HEC is healthy", "code": 17])
            }
        }
        #expect(hec.stats.requests == 2)
    }
}
