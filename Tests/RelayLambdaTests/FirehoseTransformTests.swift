import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelayTesting
import Testing

@testable import RelayLambda

@Suite struct FirehoseTransformTests {
    static let key = "0123456789abcdef0123456789abcdef"

    /// A handler built the way `ccrelay lambda` builds it, from configuration text.
    static func handler(_ transform: String, redaction: Bool = true) throws -> any LambdaHandler {
        var yaml = """
            lambda:
              handler: firehose-transform
              firehose_transform:
            \(transform.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """
        if redaction {
            yaml += """

                redaction:
                  key: \(key)
                  fields:
                    actor_id: hash
                """
        }
        return try LambdaFunction.makeHandler(yaml: yaml, handlerOverride: nil, logger: LambdaFixtures.logger)
    }

    @Test func everyRecordIsAnsweredOkDroppedOrFailed() async throws {
        let handler = try Self.handler(
            """
            format: splunk
            index: ccas
            sourcetype: genesys:audit
            drop_pattern: {"target_type": ["UserPresence"]}
            """)
        let payload = LambdaFixtures.firehoseEvent([
            ("ok", SampleEvents.genesysEventBridgeAudit(), false),
            ("noise", SampleEvents.genesysEventBridgeAudit(id: "e-2", entityType: "UserPresence"), false),
            ("garbage", "this is not JSON", false),
            ("not-base64", "!!!", true),
            ("no-topic", #"{"id":"x","detail":{}}"#, false),
        ])
        let body = try await handler.handle(LambdaFixtures.invocation(payload), logger: LambdaFixtures.logger)
        let answers = try LambdaFixtures.answers(body)
        #expect(answers.count == 5)
        #expect(answers["ok"]?.result == "Ok")
        #expect(answers["noise"]?.result == "Dropped")
        #expect(answers["garbage"]?.result == "ProcessingFailed")
        #expect(answers["garbage"]?.data == "this is not JSON")  // the original, nothing lost
        #expect(answers["not-base64"]?.result == "ProcessingFailed")
        #expect(answers["no-topic"]?.result == "ProcessingFailed")

        let envelope = try JSONParser.parse(try #require(answers["ok"]?.data))
        #expect(envelope["index"]?.stringValue == "ccas")
        #expect(envelope["sourcetype"]?.stringValue == "genesys:audit")
        #expect(envelope["source"]?.stringValue == "genesys:audit")
        #expect(envelope["time"]?.doubleValue == 1_624_633_912.0)
        let eventID = try #require(envelope["fields"]?["event_id"]?.stringValue)
        // Compact with short keys, as a Splunk HEC sink writes it; searched through the app's aliases.
        let event = CompactKeys.expanded(try #require(envelope["event"]?.objectValue))
        #expect(event["event_id"]?.stringValue == eventID)
        #expect(event["event_type"]?.stringValue == "QUEUE_UPDATED")
        // Redaction: the actor is a keyed pseudonym, never the id itself.
        let redactor = Redactor(rules: [RedactionRule(path: "actor_id", action: .hash)], key: Array(Self.key.utf8))
        #expect(
            event["actor_id"]?.stringValue == redactor.pseudonym(for: SampleEvents.genesysAuditActorID))
    }

    /// The transformation decodes with the receivers' decoder: a newline-delimited record with one
    /// broken line fails whole (a record is answered whole), and the reason names the record index
    /// and the invocation id. Before, such a record failed as "data is not JSON" with no place.
    @Test func aFailedRecordsReasonNamesItsIndexAndInvocation() throws {
        let handler = try #require(try Self.handler("format: event", redaction: false) as? FirehoseTransformHandler)
        func oneLine(_ text: String) -> String { text.split(separator: "\n").joined() }
        let lines = [
            oneLine(SampleEvents.genesysEventBridgeAudit(id: "e-2")),
            String(oneLine(SampleEvents.genesysEventBridgeAudit(id: "e-3")).dropLast(2)),
        ]
        let request = FirehoseTransformRequest(
            invocationID: "inv-7",
            records: [
                .init(recordID: "a", data: Base64.encode(Array(SampleEvents.genesysEventBridgeAudit().utf8))),
                .init(recordID: "b", data: Base64.encode(Array(lines.joined(separator: "\n").utf8))),
                .init(recordID: "c", data: nil),
            ])
        let answers = handler.transform(request)
        #expect(answers.map(\.result) == [.ok, .processingFailed, .processingFailed])
        #expect(
            answers[1].reason?.hasPrefix("records[1] line 2 (request inv-7): not a JSON event") == true, "\(answers[1])"
        )
        #expect(answers[2].reason == "records[2].data (request inv-7): missing or not a string")
    }

    @Test func datadogAndBareEventShapes() async throws {
        let payload = LambdaFixtures.firehoseEvent([("r1", SampleEvents.genesysEventBridgeAudit(), false)])
        let datadog = try Self.handler("format: datadog\nservice: contact-center\ntags: {env: prod}", redaction: false)
        let entry = try JSONParser.parse(
            try #require(
                try LambdaFixtures.answers(
                    try await datadog.handle(LambdaFixtures.invocation(payload), logger: LambdaFixtures.logger))["r1"]?
                    .data))
        #expect(entry["ddsource"]?.stringValue == "genesys")
        #expect(entry["service"]?.stringValue == "contact-center")
        #expect(entry["ddtags"]?.stringValue == "env:prod")
        #expect(entry["event_type"]?.stringValue == "QUEUE_UPDATED")
        #expect(entry["actor_id"]?.stringValue == SampleEvents.genesysAuditActorID)

        let bare = try Self.handler("format: event", redaction: false)
        let text = try #require(
            try LambdaFixtures.answers(
                try await bare.handle(LambdaFixtures.invocation(payload), logger: LambdaFixtures.logger))["r1"]?.data)
        #expect(text.hasSuffix("\n"))
        let event = try JSONParser.parse(text)
        #expect(event["platform"]?.stringValue == "genesys")
        #expect(event["ddsource"] == nil && event["sourcetype"] == nil)
    }

    @Test func responseStaysUnderTheCapAndFailsWhatDoesNotFitWhole() async throws {
        let records = (0..<40).map {
            (id: "r\($0)", text: SampleEvents.genesysEventBridgeAudit(id: "e-\($0)"), raw: false)
        }
        let handler = try Self.handler("format: splunk\nmax_response_bytes: 20000", redaction: false)
        let body = try await handler.handle(
            LambdaFixtures.invocation(LambdaFixtures.firehoseEvent(records)), logger: LambdaFixtures.logger)
        #expect(body.count <= 20_000)
        let answers = try LambdaFixtures.answers(body)
        #expect(Set(answers.keys) == Set(records.map(\.id)))
        let ok = answers.values.filter { $0.result == "Ok" }
        let failed = answers.values.filter { $0.result == "ProcessingFailed" }
        #expect(ok.count > 0 && failed.count > 0 && ok.count + failed.count == 40)
        // Nothing truncated: every Ok record is a whole envelope.
        for answer in ok { #expect((try? JSONParser.parse(answer.data)) != nil) }
        // The first records fit; the ones past the cap failed.
        #expect(answers["r0"]?.result == "Ok")
        #expect(answers["r39"]?.result == "ProcessingFailed")
    }

    @Test(arguments: [
        ("not json", "not JSON"),
        (#"{"invocationId":"x"}"#, "\"records\""),
        (#"{"records":[{"data":"e30="}]}"#, "records[0]"),
        ("[1,2]", "expected an object"),
    ])
    func malformedInvocationIsAnErrorNamingThePlace(payload: String, fragment: String) async throws {
        let handler = try Self.handler("format: event", redaction: false)
        do {
            _ = try await handler.handle(LambdaFixtures.invocation(Array(payload.utf8)), logger: LambdaFixtures.logger)
            Issue.record("a malformed payload was answered")
        } catch let error as LambdaFunctionError {
            #expect(error.errorType == "InvalidPayload")
            #expect(error.errorMessage.contains(fragment))
        }
    }

    @Test func configurationProblemsNameTheirPaths() {
        #expect(throws: LambdaFunctionError.self) {
            try LambdaFunction.makeHandler(
                yaml: "lambda:\n  handler: firehose-transform\n  firehose_transform:\n    format: xml\n",
                handlerOverride: nil,
                logger: LambdaFixtures.logger)
        }
        do {
            _ = try LambdaFunction.makeHandler(
                yaml: "lambda:\n  firehose_transform:\n    drop_pattern: {\"a\": 5}\n", handlerOverride: "bogus",
                logger: LambdaFixtures.logger)
            Issue.record("accepted")
        } catch {
            #expect(error.errorType == "InvalidConfiguration")
            #expect(error.errorMessage.contains("CCRELAY_HANDLER"))
            #expect(error.errorMessage.contains("lambda.firehose_transform.drop_pattern"))
        }
    }
}
