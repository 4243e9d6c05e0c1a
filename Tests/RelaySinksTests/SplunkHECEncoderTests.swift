import RelayCore
import RelaySinks
import RelayTesting
import Testing

@Suite("SplunkHECEncoder")
struct SplunkHECEncoderTests {
    @Test("a batch is concatenated envelopes, one per row, in row order")
    func concatenated() throws {
        let entries = (1...3).map { Fixtures.entry($0) }
        let body = SplunkHECEncoder(configuration: Fixtures.configuration()).encode(entries)
        #expect(body.first == UInt8(ascii: "{"))  // not a JSON array
        let envelopes = try JSONParser.parseConcatenated(body)
        #expect(envelopes.count == 3)
        #expect(envelopes.map { $0["fields"]?["event_id"]?.stringValue } == entries.map(\.eventID))
    }

    @Test("each envelope carries time, host, sourcetype, index, source, fields.event_id and the event")
    func envelopeFields() throws {
        let entry = Fixtures.entry(1)
        let body = SplunkHECEncoder(configuration: Fixtures.configuration()).encode([entry])
        let envelope = try #require(try JSONParser.parseConcatenated(body).first)
        #expect(
            envelope.objectValue?.members.map(\.key)
                == ["time", "host", "sourcetype", "index", "source", "fields", "event"]
        )
        #expect(envelope["time"] == .number(JSONNumber(uncheckedLiteral: "1624633912.436")))
        #expect(envelope["host"] == "relay-01")
        #expect(envelope["sourcetype"] == "ccas:auditlog")
        #expect(envelope["index"] == "ccas")
        #expect(envelope["source"] == "genesys:audit")
        #expect(envelope["fields"] == .object(JSONObject(["event_id": .string(entry.eventID)])))
        // The default encoding is compact with short keys; the generated app's aliases give them
        // their names back.
        let event = try #require(envelope["event"]?.objectValue)
        #expect(event["event_id"] == nil)
        #expect(JSONValue.object(CompactKeys.expanded(event)) == (try JSONParser.parse(entry.payload)))
    }

    @Test("with encoding full, the stored payload is copied byte for byte (member order, big numbers)")
    func payloadVerbatim() throws {
        let entry = Fixtures.entry(7)
        var configuration = Fixtures.configuration()
        configuration.encoding = .full
        let body = SplunkHECEncoder(configuration: configuration).encode([entry])
        let suffix = Array(#","event":"#.utf8) + entry.payload + [UInt8(ascii: "}")]
        #expect(Array(body.suffix(suffix.count)) == suffix)
        #expect(try JSONParser.parseConcatenated(body).first?["event"].map(JSONWriter.encode) == entry.payload)
    }

    @Test(
        "time is epoch seconds with exactly three decimals",
        arguments: [
            (1_433_188_255_500, "1433188255.500"),
            (1_624_633_912_005, "1624633912.005"),
            (1_624_633_912_050, "1624633912.050"),
            (1_624_633_912_000, "1624633912.000"),
            (0, "0.000"),
            (-1, "-0.001"),
            (-1500, "-1.500"),
        ] as [(Int64, String)]
    )
    func time(_ ms: Int64, literal: String) throws {
        var entry = Fixtures.entry(0)
        entry.timestamp = Timestamp(millisecondsSinceEpoch: ms)
        let body = SplunkHECEncoder(configuration: Fixtures.configuration()).encode([entry])
        let envelope = try #require(try JSONParser.parseConcatenated(body).first)
        #expect(envelope["time"] == .number(JSONNumber(uncheckedLiteral: literal)))
        // What Splunk reads is the event's own instant.
        #expect(((envelope["time"]?.doubleValue ?? .nan) * 1000).rounded() == Double(ms))
    }

    @Test("source defaults to <platform>:<source_kind> per event; a configured source overrides it")
    func source() throws {
        func entry(_ number: Int, platform: Platform, kind: String) -> OutboxEntry {
            var event = SampleEvents.event(number, platform: platform)
            event.sourceKind = kind
            // An attribute named like the member comes after it and does not count.
            event.attributes = JSONObject(["source_kind": "nested"])
            var entry = Fixtures.entry(number, platform: platform)
            entry.payload = event.encoded()
            return entry
        }
        let entries = [
            entry(1, platform: .genesys, kind: "audit"), entry(2, platform: .genesys, kind: "conversation"),
            entry(3, platform: .genesys, kind: "edge_metrics"), entry(4, platform: .cxone, kind: "audit"),
        ]
        let defaulted = try JSONParser.parseConcatenated(
            SplunkHECEncoder(configuration: Fixtures.configuration()).encode(entries)
        )
        #expect(
            defaulted.map { $0["source"] }
                == ["genesys:audit", "genesys:conversation", "genesys:edge_metrics", "cxone:audit"])

        let fixed = try JSONParser.parseConcatenated(
            SplunkHECEncoder(configuration: Fixtures.configuration(source: "ccrelay")).encode(entries)
        )
        #expect(fixed.map { $0["source"] } == ["ccrelay", "ccrelay", "ccrelay", "ccrelay"])
    }

    @Test(
        "a payload without a plain top-level source_kind gets <platform>:unknown",
        arguments: [
            #"{"event_id":"e"}"#, #"{"event_id":"e","source_kind":"a b"}"#, #"{"event_id":"e","source_kind":""}"#,
            #"{"event_id":"e","source_kind":"audit"#, #"{"event_id":"e\"source_kind\":\"x"}"#, "not json",
        ]
    )
    func sourceWithoutKind(_ payload: String) throws {
        var entry = Fixtures.entry(1, platform: .cxone)
        entry.payload = Array(payload.utf8)
        let body = SplunkHECEncoder(configuration: Fixtures.configuration()).encode([entry])
        let prefix = #","source":"cxone:unknown","fields""#
        #expect(String(decoding: body, as: UTF8.self).contains(prefix))
    }

    @Test("without index or host they are left out, so HEC uses the token's defaults")
    func optionalFields() throws {
        let body = SplunkHECEncoder(configuration: Fixtures.configuration(index: nil, host: nil)).encode([
            Fixtures.entry(1)
        ])
        let envelope = try #require(try JSONParser.parseConcatenated(body).first)
        #expect(envelope.objectValue?.members.map(\.key) == ["time", "sourcetype", "source", "fields", "event"])
    }

    @Test("configured strings are escaped")
    func escaping() throws {
        var configuration = Fixtures.configuration(index: "in\"dex", source: "src\\\n", host: "h\u{01}")
        configuration.sourcetype = "type\"x"
        let body = SplunkHECEncoder(configuration: configuration).encode([Fixtures.entry(1)])
        let envelope = try #require(try JSONParser.parseConcatenated(body).first)
        #expect(envelope["index"] == "in\"dex")
        #expect(envelope["source"] == "src\\\n")
        #expect(envelope["host"] == "h\u{01}")
        #expect(envelope["sourcetype"] == "type\"x")
    }

    @Test("append(_:to:) adds one envelope after what is already there")
    func append() throws {
        let encoder = SplunkHECEncoder(configuration: Fixtures.configuration())
        var body = encoder.encode([Fixtures.entry(1)])
        encoder.append(Fixtures.entry(2), to: &body)
        #expect(body == encoder.encode([Fixtures.entry(1), Fixtures.entry(2)]))
        #expect(try JSONParser.parseConcatenated(body).count == 2)
    }
}
