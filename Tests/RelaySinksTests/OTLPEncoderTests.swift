import RelayCore
import RelaySinks
import RelayTesting
import Testing

/// The OTLP/JSON request, field by field against the specification's JSON encoding
/// (opentelemetry-proto `docs/specification.md`, "JSON Protobuf Encoding"; the logs data model).
@Suite("OTLP/JSON encoding")
struct OTLPEncoderTests {
    private let encoder = OTLPLogsEncoder()

    private func entry(_ payload: String, id: Int64 = 1, ms: Int64 = 1_624_633_912_435, platform: Platform = .genesys)
        -> OutboxEntry
    {
        OutboxEntry(
            id: id, eventID: "e\(id)", timestamp: Timestamp(millisecondsSinceEpoch: ms), platform: platform,
            payload: Array(payload.utf8), enqueuedAt: Timestamp(millisecondsSinceEpoch: ms + 2000))
    }

    private func request(_ entries: [OutboxEntry]) throws -> JSONValue {
        try JSONParser.parse(encoder.encode(entries))
    }

    /// The attribute `key` of a KeyValue list, as its AnyValue.
    private func attribute(_ list: JSONValue?, _ key: String) -> JSONValue? {
        list?.arrayValue?.first { $0["key"]?.stringValue == key }?["value"]
    }

    @Test("a record: times as decimal strings of nanoseconds, severity an integer, body the event, no trace ids")
    func recordFields() throws {
        let sample = Fixtures.entry(1)
        var entry = sample
        entry.enqueuedAt = Timestamp(millisecondsSinceEpoch: sample.timestamp.millisecondsSinceEpoch + 1500)
        let json = try request([entry])
        let resourceLogs = try #require(json["resourceLogs"]?.arrayValue)
        #expect(resourceLogs.count == 1)
        let scopeLogs = try #require(resourceLogs[0]["scopeLogs"]?.arrayValue)
        #expect(scopeLogs.count == 1)
        #expect(scopeLogs[0]["scope"]?["name"] == .string("ccrelay"))
        let record = try #require(scopeLogs[0]["logRecords"]?.arrayValue?.first?.objectValue)
        #expect(record["timeUnixNano"] == .string("1624633912436000000"))
        #expect(record["observedTimeUnixNano"] == .string("1624633913936000000"))
        #expect(record["severityNumber"] == .number(JSONNumber(9)))
        #expect(record["severityText"] == .string("INFO"))
        #expect(record["body"]?["stringValue"]?.stringValue == String(decoding: sample.payload, as: UTF8.self))
        #expect(record["body"]?.objectValue?.count == 1)
        #expect(record["traceId"] == nil)
        #expect(record["spanId"] == nil)
        #expect(record["flags"] == nil)
    }

    @Test("resource attributes name the service, the platform and the source kind")
    func resourceAttributes() throws {
        let json = try request([Fixtures.entry(1, platform: .cxone)])
        let attributes = json["resourceLogs"]?.arrayValue?.first?["resource"]?["attributes"]
        #expect(attribute(attributes, "service.name") == ["stringValue": "ccrelay"])
        #expect(attribute(attributes, "ccrelay.platform") == ["stringValue": "cxone"])
        #expect(attribute(attributes, "ccrelay.source_kind") == ["stringValue": "audit"])
        let keys = attributes?.arrayValue?.compactMap { $0["key"]?.stringValue }
        #expect(keys == ["service.name", "ccrelay.platform", "ccrelay.source_kind"])
    }

    @Test("one ResourceLogs per platform and source kind, in the order they first appear")
    func grouping() throws {
        let entries = [Fixtures.entry(1), Fixtures.entry(2, platform: .cxone), Fixtures.entry(3)]
        let resourceLogs = try #require(try request(entries)["resourceLogs"]?.arrayValue)
        #expect(resourceLogs.count == 2)
        let platforms = resourceLogs.map { attribute($0["resource"]?["attributes"], "ccrelay.platform") }
        #expect(platforms == [["stringValue": "genesys"], ["stringValue": "cxone"]])
        #expect(resourceLogs[0]["scopeLogs"]?.arrayValue?.first?["logRecords"]?.arrayValue?.count == 2)
        #expect(resourceLogs[1]["scopeLogs"]?.arrayValue?.first?["logRecords"]?.arrayValue?.count == 1)
    }

    @Test("record attributes: the main normalized fields as strings, event attributes with their JSON kind")
    func recordAttributes() throws {
        let sample = Fixtures.entry(4)
        let record = try request([sample])["resourceLogs"]?.arrayValue?.first?["scopeLogs"]?.arrayValue?.first?[
            "logRecords"]?.arrayValue?.first
        let attributes = record?["attributes"]
        #expect(
            attribute(attributes, "event.id") == JSONValue.object(JSONObject(["stringValue": .string(sample.eventID)])))
        #expect(attribute(attributes, "event.type") == ["stringValue": "QUEUE_UPDATED"])
        #expect(attribute(attributes, "event.source_kind") == ["stringValue": "audit"])
        #expect(attribute(attributes, "actor.id") == ["stringValue": "user-4"])
        #expect(attribute(attributes, "actor.name") == ["stringValue": "Agent \"4\"\n"])
        #expect(attribute(attributes, "target.id") == nil, "absent fields are not sent")
        #expect(attribute(attributes, "attributes.z.order") == ["stringValue": "kept"])
        // Beyond 64 bits: kept as its literal, never rounded into a double.
        #expect(attribute(attributes, "attributes.a.big") == ["stringValue": "12345678901234567890"])
    }

    @Test("AnyValue kinds: 64-bit integers as strings, doubles as numbers, arrays and kvlists nested")
    func anyValueKinds() throws {
        #expect(OTLPLogsEncoder.anyValue(.number(JSONNumber(42))) == ["intValue": "42"])
        #expect(OTLPLogsEncoder.anyValue(.number(JSONNumber(Int64.min))) == ["intValue": "-9223372036854775808"])
        #expect(
            OTLPLogsEncoder.anyValue(.number(JSONNumber(uncheckedLiteral: "1.5")))
                == ["doubleValue": .number(JSONNumber(uncheckedLiteral: "1.5"))])
        #expect(
            OTLPLogsEncoder.anyValue(.number(JSONNumber(uncheckedLiteral: "2e3")))
                == ["doubleValue": .number(JSONNumber(uncheckedLiteral: "2e3"))])
        #expect(OTLPLogsEncoder.anyValue(true) == ["boolValue": true])
        #expect(OTLPLogsEncoder.anyValue(.null) == .object(JSONObject()))
        #expect(
            OTLPLogsEncoder.anyValue(["a", 1])
                == ["arrayValue": ["values": [["stringValue": "a"], ["intValue": "1"]]]])
        #expect(
            OTLPLogsEncoder.anyValue(["k": ["n": false]])
                == [
                    "kvlistValue": [
                        "values": [
                            [
                                "key": "k",
                                "value": ["kvlistValue": ["values": [["key": "n", "value": ["boolValue": false]]]]],
                            ]
                        ]
                    ]
                ])
    }

    @Test("severity WARN for a failure or a refusal, INFO otherwise")
    func severity() throws {
        #expect(OTLPSeverity(event: JSONObject(["event_type": "QUEUE_UPDATED"])) == .info)
        #expect(OTLPSeverity(event: JSONObject(["event_type": "LOGIN_FAILED"])) == .warn)
        #expect(OTLPSeverity(event: JSONObject(["event_type": "access_denied"])) == .warn)
        #expect(OTLPSeverity(event: JSONObject(["event_type": "LOGIN", "attributes": ["status": "Failure"]])) == .warn)
        #expect(OTLPSeverity(event: JSONObject(["event_type": "LOGIN", "attributes": ["status": "success"]])) == .info)
        let record = try request([entry(#"{"event_id":"e1","event_type":"LOGIN_FAILED","source_kind":"audit"}"#)])[
            "resourceLogs"]?.arrayValue?.first?["scopeLogs"]?.arrayValue?.first?["logRecords"]?.arrayValue?.first
        #expect(record?["severityNumber"] == .number(JSONNumber(13)))
        #expect(record?["severityText"] == "WARN")
    }

    @Test("a time before 1970 is omitted (0 means unknown); a payload that is not an object is kept as the body")
    func edgeCases() throws {
        let record = try request([entry("not json", ms: -5)])["resourceLogs"]?.arrayValue?.first?["scopeLogs"]?
            .arrayValue?.first?["logRecords"]?.arrayValue?.first
        #expect(record?["timeUnixNano"] == nil)
        #expect(record?["observedTimeUnixNano"] == .string("1995000000"))
        #expect(record?["body"] == ["stringValue": "not json"])
        #expect(attribute(record?["attributes"], "event.id") == ["stringValue": "e1"])
        let json = try request([entry("not json", ms: -5)])
        #expect(
            attribute(json["resourceLogs"]?.arrayValue?.first?["resource"]?["attributes"], "ccrelay.source_kind") == [
                "stringValue": "unknown"
            ])
    }
}
