import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// The sinks' `encoding` setting: `full` sends the stored payload byte for byte, `compact` (the
/// default) its ``CompactEvent`` form.
@Suite("Sink encoding: compact and full", .timeLimit(.minutes(2)))
struct EventEncodingSinkTests {
    static let payload = #"""
        {"event_id":"e1","timestamp":"2021-06-25T15:11:52.435Z","platform":"genesys","source_kind":"conversation","event_type":"CONVERSATION_USER_START","actor_id":"u1","target_id":"c1","target_type":"Conversation","attributes":{"topic_name":"v2.detail.events.conversation.c1.user.start","conversation_id":"c1","user_id":"u1","wrapup_code":"","queue_id":"q1","held_duration_ms":12345678901234567890}}
        """#
    static let compactPayload = #"""
        {"event_id":"e1","timestamp":"2021-06-25T15:11:52.435Z","platform":"genesys","source_kind":"conversation","event_type":"CONVERSATION_USER_START","actor_id":"u1","target_id":"c1","target_type":"Conversation","attributes":{"queue_id":"q1","held_duration_ms":12345678901234567890}}
        """#

    /// ``compactPayload`` with short keys (``CompactKeys``), as a Splunk HEC sink writes it.
    static let compactShortKeysPayload = #"""
        {"eid":"e1","ts":"2021-06-25T15:11:52.435Z","pf":"genesys","sk":"conversation","et":"CONVERSATION_USER_START","aid":"u1","tid":"c1","tt":"Conversation","attributes":{"qid":"q1","hdm":12345678901234567890}}
        """#

    static let entry = OutboxEntry(
        id: 1, eventID: "e1", timestamp: Timestamp(millisecondsSinceEpoch: 1_624_633_912_435), platform: .genesys,
        payload: Array(payload.utf8), enqueuedAt: Timestamp(millisecondsSinceEpoch: 1_624_633_912_435))

    static func envelope(_ event: String) -> String {
        #"{"time":1624633912.435,"host":"relay-01","sourcetype":"ccas:auditlog","index":"ccas","source":"genesys:conversation","fields":{"event_id":"e1"},"event":"#
            + event + "}"
    }

    @Test("Splunk HEC, encoding full: today's envelope with the stored payload, byte for byte")
    func hecFull() {
        var configuration = Fixtures.configuration()
        configuration.encoding = .full
        let body = SplunkHECEncoder(configuration: configuration).encode([Self.entry])
        #expect(String(decoding: body, as: UTF8.self) == Self.envelope(Self.payload))
    }

    @Test("Splunk HEC, the default: the same envelope around the compact event with short keys")
    func hecCompact() {
        #expect(Fixtures.configuration().encoding == .compact)
        let body = SplunkHECEncoder(configuration: Fixtures.configuration()).encode([Self.entry])
        #expect(String(decoding: body, as: UTF8.self) == Self.envelope(Self.compactShortKeysPayload))
    }

    @Test("Sumo Logic sends each event in the sink's encoding", arguments: [EventEncoding.full, .compact])
    func sumo(encoding: EventEncoding) async throws {
        let sumo = SumoLogicEmulator()
        try await Sandbox.withRunning(sumo: sumo, logger: TimedFixtures.logger) { url in
            let configuration = SumoLogicSinkConfiguration(
                name: "sumo", url: url, requestTimeout: .seconds(10), encoding: encoding)
            let sink = SumoLogicSink(
                configuration: configuration, transport: HTTPTransport(), logger: TimedFixtures.logger)
            #expect(await sink.deliver([Self.entry]) == .delivered)
            #expect(sumo.lines.map(\.line) == [encoding == .full ? Self.payload : Self.compactPayload])
        }
    }
}
