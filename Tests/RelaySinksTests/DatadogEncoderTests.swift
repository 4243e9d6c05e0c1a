import RelayCore
import RelaySinks
import RelayTesting
import Testing

@Suite("DatadogLogsEncoder")
struct DatadogEncoderTests {
    static let configuration = DatadogLogsSinkConfiguration(
        name: "datadog", apiKey: "k", ddsource: nil, tags: ["b": "2", "a": "1"])

    @Test("an entry is a JSON object: reserved attributes first, the event time, then the other fields unchanged")
    func mapping() throws {
        let entry = Fixtures.entry(7, platform: .cxone)
        let encoded = DatadogLogsEncoder(configuration: Self.configuration).encode(entry)
        let object = try #require(try JSONParser.parse(encoded).objectValue)
        #expect(
            Array(object.map(\.key).prefix(6)) == ["message", "ddsource", "ddtags", "service", "status", "event_time"])
        #expect(object["ddsource"] == "cxone")
        #expect(object["ddtags"] == "a:1,b:2")
        #expect(object["hostname"] == nil)
        let event = try #require(try JSONParser.parse(entry.payload).objectValue)
        #expect(object["event_time"] == event["timestamp"])
        for member in event where member.key != "timestamp" {
            #expect(object[member.key] == member.value, "\(member.key)")
        }
    }

    /// Datadog's default date attributes (log date remapper documentation): any of them would make
    /// the event's time the log's official date, and Datadog refuses logs dated over 18 h ago.
    static let datadogDateAttributes = [
        "timestamp", "date", "_timestamp", "Timestamp", "eventTime", "published_date", "@timestamp",
        "syslog.timestamp",
    ]

    @Test("an event hours or days old carries its time as event_time only, so Datadog dates it at intake")
    func datedAtIntake() throws {
        let encoder = DatadogLogsEncoder(configuration: Self.configuration)
        for hoursOld in [3, 20, 24 * 30] {
            var event = SampleEvents.event(1)
            let now = Timestamp(millisecondsSinceEpoch: 1_767_225_900_000)
            event.timestamp = Timestamp(
                millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64(hoursOld) * 3_600_000)
            var entry = Fixtures.entry(1)
            entry.payload = event.encoded()
            entry.timestamp = event.timestamp
            let object = try #require(try JSONParser.parse(encoder.encode(entry)).objectValue)
            for key in Self.datadogDateAttributes { #expect(object[key] == nil, "\(key), \(hoursOld) h old") }
            #expect(object["event_time"] == .string(event.timestamp.iso8601), "\(hoursOld) h old")
        }
    }

    @Test("the message summarises type, actor and target")
    func summary() {
        let event = JSONObject([
            "event_type": "USER_UPDATED", "actor_name": "Jane", "actor_id": "u1", "target_type": "user",
            "target_id": "t9",
        ])
        #expect(DatadogLogsEncoder.summary(of: event) == "USER_UPDATED by Jane on user t9")
        #expect(DatadogLogsEncoder.summary(of: JSONObject(["event_type": "X", "actor_id": "u1"])) == "X by u1")
    }

    @Test("a configured ddsource replaces the platform")
    func ddsource() throws {
        var configuration = Self.configuration
        configuration.ddsource = "contact-center"
        let encoded = DatadogLogsEncoder(configuration: configuration).encode(Fixtures.entry(1))
        #expect(try JSONParser.parse(encoded)["ddsource"] == "contact-center")
    }

    @Test("an entry over the per-log limit is trimmed below it, keeps its identity and says what was cut")
    func trims() throws {
        var event = SampleEvents.event(1)
        event.newValue = String(repeating: "n", count: 6_000)
        event.attributes.append(key: "blob", value: .string(String(repeating: "é", count: 2_000)))
        var entry = Fixtures.entry(1)
        entry.payload = event.encoded()
        let encoder = DatadogLogsEncoder(configuration: Self.configuration, maxLogBytes: 4_096)
        let encoded = encoder.encode(entry)
        #expect(encoded.count <= 4_096)
        let object = try #require(try JSONParser.parse(encoded).objectValue)
        #expect(object["event_id"] == .string(entry.eventID))
        #expect(object["event_type"] == "QUEUE_UPDATED")
        #expect(object["ccrelay_truncated"] == .bool(true))
        #expect(object["ccrelay_original_bytes"]?.int64Value ?? 0 > 4_096)
        let newValue = try #require(object["new_value"]?.stringValue)
        #expect(newValue.count < 6_000 && newValue.allSatisfy { $0 == "n" })
        #expect(object["ccrelay_dropped_fields"] == ["attributes"])
    }

    @Test("a payload that is not a JSON object is still sent, as text")
    func unparseable() throws {
        var entry = Fixtures.entry(1)
        entry.payload = Array("not json".utf8)
        let object = try #require(
            try JSONParser.parse(DatadogLogsEncoder(configuration: Self.configuration).encode(entry)).objectValue)
        #expect(object["raw_payload"] == "not json")
        #expect(object["event_id"] == .string(entry.eventID))
        #expect(object["event_time"] == .string(entry.timestamp.iso8601) && object["timestamp"] == nil)
    }
}
