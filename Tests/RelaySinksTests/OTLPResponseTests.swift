import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// What an OTLP server's answer means (``OTLPLogsResponse``), and the collector emulator refusing
/// requests that break the OTLP/JSON encoding with 400 and a `Status` body.
@Suite("OTLP answers and request shape", .timeLimit(.minutes(2)))
struct OTLPResponseTests {
    private func verdict(_ status: Int, _ body: String = "", headers: [(name: String, value: String)] = [])
        -> OTLPLogsResponse.Verdict
    {
        OTLPLogsResponse(InboundResponse(status: status, headers: headers, body: Array(body.utf8))).verdict
    }

    @Test("200: rejectedLogRecords read as a string (the JSON mapping of int64) or a number; absent is none")
    func partialSuccess() {
        #expect(verdict(200, "") == .accepted(rejected: 0, message: ""))
        #expect(verdict(200, #"{"partialSuccess":{}}"#) == .accepted(rejected: 0, message: ""))
        #expect(
            verdict(200, #"{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"too old"}}"#)
                == .accepted(rejected: 3, message: "too old"))
        #expect(verdict(200, #"{"partialSuccess":{"rejectedLogRecords":2}}"#) == .accepted(rejected: 2, message: ""))
        #expect(
            verdict(200, #"{"partialSuccess":{"errorMessage":"deprecated field"}}"#)
                == .accepted(rejected: 0, message: "deprecated field"))
    }

    @Test("statuses: 400/413 refuse the request, 401/403 the credential, 429/502/503/504 outages, others")
    func statuses() {
        let status = #"{"code":3,"message":"bad timeUnixNano"}"#
        #expect(
            verdict(400, status)
                == .refusedRequest(reason: "the OTLP server refused the logs: HTTP 400: bad timeUnixNano"))
        guard case .refusedRequest = verdict(413) else {
            Issue.record("413 is not a refused request")
            return
        }
        guard case .outcome(.credentialRejected) = verdict(401), case .outcome(.credentialRejected) = verdict(403)
        else {
            Issue.record("401/403 are not credential rejections")
            return
        }
        for code in [429, 502, 503, 504] {
            guard case .outcome(let outcome) = verdict(code, headers: [("Retry-After", "9")]) else {
                Issue.record("\(code) has no outcome")
                continue
            }
            #expect(Fate(outcome) == .unavailable(retryAfter: .seconds(9)), "\(code)")
        }
        guard case .outcome(let serverError) = verdict(500) else { return }
        #expect(Fate(serverError) == .retriable(retryAfter: nil))
        guard case .outcome(let notFound) = verdict(404) else { return }
        #expect(Fate(notFound) == .rejected)
    }

    @Test(
        "the collector refuses what breaks the JSON encoding, naming the field",
        arguments: [
            (#"{"timeUnixNano":1624633912436000000}"#, "timeUnixNano: expected nanoseconds as a decimal string"),
            (#"{"severityNumber":"SEVERITY_NUMBER_INFO"}"#, "severityNumber: expected an integer"),
            (#"{"traceId":"S/kvNXezTaajzpKdDg5HNg=="}"#, "traceId: expected 32 hex digits"),
            (#"{"attributes":[{"key":"n","value":{"intValue":5}}]}"#, "intValue: expected a 64-bit integer"),
            (#"{"body":{"stringValue":"a","boolValue":true}}"#, "body: an AnyValue holds one value"),
        ])
    func shapeRefused(record: String, words: String) async throws {
        let collector = OTLPCollectorEmulator(configuration: .init(apiKeyHeader: nil))
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":["# + record + "]}]}]}"
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            let response = try await HTTPTransport().send(
                OutboundRequest(
                    method: "POST", url: url + "/v1/logs", headers: [("Content-Type", "application/json")],
                    body: Array(body.utf8), timeout: .seconds(10)))
            #expect(response.status == 400)
            let status = try JSONParser.parse(response.body)
            #expect(status["code"] == .number(JSONNumber(3)))
            let message = status["message"]?.stringValue ?? ""
            #expect(message.contains("resourceLogs[0].scopeLogs[0].logRecords[0]."), "\(message)")
            #expect(message.contains(words), "\(message)")
        }
        #expect(collector.records.isEmpty)
    }

    @Test("the collector takes a well-formed request with every AnyValue kind and unknown fields")
    func shapeAccepted() async throws {
        let collector = OTLPCollectorEmulator(configuration: .init(apiKeyHeader: nil))
        let record = #"""
            {"timeUnixNano":"1","severityNumber":9,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
             "futureField":1,"body":{"kvlistValue":{"values":[{"key":"a","value":{"arrayValue":{"values":[{"doubleValue":1.5},{}]}}}]}},
             "attributes":[{"key":"event.id","value":{"stringValue":"x"}},{"key":"n","value":{"intValue":"-5"}}]}
            """#
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":["# + record + "]}]}]}"
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            let response = try await HTTPTransport().send(
                OutboundRequest(
                    method: "POST", url: url + "/v1/logs", headers: [("Content-Type", "application/json")],
                    body: Array(body.utf8), timeout: .seconds(10)))
            #expect(response.status == 200, "\(response.bodySnippet())")
        }
        #expect(collector.records.map(\.eventID) == ["x"])
    }

    @Test("fault knobs over HTTP queue a throttle; stats count what was stored")
    func faultKnobs() async throws {
        let collector = OTLPCollectorEmulator()
        try await Sandbox.withRunning(otlp: collector, logger: SinkComplianceKit.logger) { url in
            let transport = HTTPTransport()
            let knobs = try await transport.send(
                OutboundRequest(
                    method: "POST", url: url + "/_sandbox/faults", headers: [("Content-Type", "application/json")],
                    body: Array(#"{"too_many_requests":1,"retry_after_secs":4}"#.utf8), timeout: .seconds(10)))
            #expect(knobs.status == 200)
            let sink = OTLPLogsSink(
                configuration: OTLPLogsSinkConfiguration(
                    name: "otlp", endpoint: url,
                    headers: ["x-honeycomb-team": Credential(OTLPCollectorConfiguration.defaultAPIKey)]),
                transport: transport, logger: SinkComplianceKit.logger)
            let clock = ManualClock()
            let batch = SinkComplianceKit.records(2, clock: clock).enumerated().map { index, record in
                OutboxEntry(
                    id: Int64(index + 1), eventID: record.eventID, timestamp: record.timestamp,
                    platform: record.platform, payload: record.payload, enqueuedAt: clock.now.timestamp)
            }
            #expect(Fate(await sink.deliver(batch)) == .unavailable(retryAfter: .seconds(4)))
            #expect(await sink.deliver(batch) == .delivered)
            let stats = try JSONParser.parse(
                try await transport.send(
                    OutboundRequest(
                        method: "GET", url: url + "/_sandbox/stats", headers: [], body: nil, timeout: .seconds(10))
                ).body)
            #expect(stats["stored"] == .number(JSONNumber(2)))
            #expect(stats["faults_served"] == .number(JSONNumber(1)))
        }
    }
}
