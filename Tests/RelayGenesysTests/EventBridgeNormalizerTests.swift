import RelayCore
import RelayTesting
import Testing

@testable import RelayGenesys

@Suite struct EventBridgeNormalizerTests {
    let normalizer = GenesysEventBridgeNormalizer()

    /// PROTOCOLS.md's sample envelope, with the elided ids completed.
    static let auditEnvelope = SampleEvents.genesysEventBridgeAudit(entityType: "UserPresence")

    static func envelope(id: String = "e-1", detailType: String, topic: String, body: String) -> String {
        """
        {"version":"0","id":"\(id)","detail-type":"\(detailType)","source":"aws.partner/genesys.com/cloud/org/suffix",
         "time":"2026-01-01T10:00:00Z","detail":{"topicName":"\(topic)","version":"2","eventBody":\(body),
         "metadata":{"CorrelationId":"corr-1"},"timestamp":"2026-01-01T10:00:00.500Z"}}
        """
    }

    @Test func auditTopicBody() throws {
        let event = try normalizer.normalize(parse(Self.auditEnvelope))
        let topic = "v2.audits.entitytype.UserPresence.entityid.278522be-aaaa-bbbb-cccc-ddddeeeeffff"
        // The audit's own id is its identity (the EventBridge id is not), as when it is pulled.
        #expect(event.eventID == EventID.make(platform: .genesys, nativeID: "b8775049-aaaa-bbbb-cccc-ddddeeeeffff"))
        #expect(event.sourceKind == "audit")
        #expect(event.eventType == "USERPRESENCE_UPDATED")
        #expect(event.timestamp.iso8601 == "2021-06-25T15:11:52.000Z")
        #expect(event.actorID == "278522be-aaaa-bbbb-cccc-ddddeeeeffff")
        #expect(event.targetType == "UserPresence")
        #expect(event.oldValue == #"{"PRESENCE":["Break"]}"#)
        #expect(event.newValue == #"{"PRESENCE":["Available"]}"#)
        #expect(event.attributes["topic_name"] == .string(topic))
        #expect(event.attributes["correlation_id"] == "b61df0b3-aaaa-bbbb-cccc-ddddeeeeffff")
        #expect(event.attributes["audit_id"] == "b8775049-aaaa-bbbb-cccc-ddddeeeeffff")
        #expect(event.attributes["serviceName"] == "Presence")
    }

    @Test func redeliveryKeepsTheEventIDAndTheAuditIDSeparatesIt() throws {
        let first = try normalizer.normalize(parse(Self.auditEnvelope))
        let again = try normalizer.normalize(parse(Self.auditEnvelope))
        #expect(first.eventID == again.eventID)
        // The same audit published again in a new EventBridge envelope is the same event.
        let republished = Self.auditEnvelope.replacing("4cbedb0f-1111", with: "4cbedb0f-9999")
        #expect(try normalizer.normalize(parse(republished)).eventID == first.eventID)
        let other = Self.auditEnvelope.replacing("\"id\":\"b8775049", with: "\"id\":\"c9775049")
        #expect(try normalizer.normalize(parse(other)).eventID != first.eventID)
    }

    @Test func anAuditPushedAndPulledIsOneEvent() throws {
        // The same audit as the REST query APIs return it and as its topic body carries it
        // (PROTOCOLS.md: `eventDate`, `user`, `client` there; `eventTime`, `userId`, `clientId` here).
        let pulled = try GenesysAuditNormalizer().normalize(
            parse(
                """
                {"id":"b8775049-aaaa-bbbb-cccc-ddddeeeeffff","user":{"id":"278522be-aaaa-bbbb-cccc-ddddeeeeffff"},
                 "serviceName":"Presence","eventDate":"2021-06-25T15:11:52.000Z","action":"Update",
                 "entityType":"UserPresence","entity":{"id":"278522be-aaaa-bbbb-cccc-ddddeeeeffff"}}
                """))
        let pushed = try normalizer.normalize(parse(Self.auditEnvelope))
        #expect(pushed.eventID == pulled.eventID)
        #expect(pushed.eventType == pulled.eventType)
        #expect(pushed.timestamp == pulled.timestamp)
    }

    @Test func anAuditTopicBodyWithoutAnIDIsIdentifiedByItsEnvelope() throws {
        let envelope = Self.auditEnvelope.replacing("\"id\":\"b8775049-aaaa-bbbb-cccc-ddddeeeeffff\",", with: "")
        let event = try normalizer.normalize(parse(envelope))
        let topic = "v2.audits.entitytype.UserPresence.entityid.278522be-aaaa-bbbb-cccc-ddddeeeeffff"
        #expect(
            event.eventID
                == EventID.make(platform: .genesys, nativeID: "4cbedb0f-1111-2222-3333-444455556666", topic: topic))
    }

    @Test func conversationCustomerEnd() throws {
        let body = """
            {"eventTime":1767261600123,"conversationId":"c-1","participantId":"p-1","sessionId":"s-1",
             "disconnectType":"PEER","mediaType":"VOICE","direction":"INBOUND","ani":"tel:+15551230000",
             "dnis":"tel:+18005550100","queueId":"q-1","interactingDurationMs":120500,"heldDurationMs":0}
            """
        let event = try normalizer.normalize(
            parse(
                Self.envelope(
                    detailType: "v2.detail.events.conversation.{id}.customer.end",
                    topic: "v2.detail.events.conversation.c-1.customer.end", body: body)))
        #expect(event.sourceKind == "conversation")
        #expect(event.eventType == "CONVERSATION_CUSTOMER_END")
        #expect(event.timestamp.iso8601 == "2026-01-01T10:00:00.123Z")
        #expect(event.targetID == "c-1")
        #expect(event.targetType == "Conversation")
        #expect(event.attributes["disconnect_type"] == "PEER")
        #expect(event.attributes["conversation_id"] == "c-1")
        #expect(event.attributes["participant_id"] == "p-1")
        #expect(event.attributes["queue_id"] == "q-1")
        #expect(event.attributes["media_type"] == "VOICE")
        #expect(event.attributes["direction"] == "INBOUND")
        #expect(event.attributes["ani"] == "tel:+15551230000")
        #expect(event.attributes["dnis"] == "tel:+18005550100")
        #expect(event.attributes["interacting_duration_ms"] == 120500)
        #expect(event.attributes["event_time"] == nil)
    }

    @Test func conversationUserEndAndAcw() throws {
        let userEnd = try normalizer.normalize(
            parse(
                Self.envelope(
                    id: "e-2", detailType: "v2.detail.events.conversation.{id}.user.end",
                    topic: "v2.detail.events.conversation.c-2.user.end",
                    body:
                        #"{"eventTime":1767261600000,"conversationId":"c-2","userId":"agent-7","disconnectType":"CLIENT"}"#
                )))
        #expect(userEnd.eventType == "CONVERSATION_USER_END")
        #expect(userEnd.actorID == "agent-7")
        #expect(userEnd.attributes["disconnect_type"] == "CLIENT")

        let acw = try normalizer.normalize(
            parse(
                Self.envelope(
                    id: "e-3", detailType: "v2.detail.events.conversation.{id}.acw",
                    topic: "v2.detail.events.conversation.c-2.acw",
                    body: #"{"eventTime":1767261600000,"wrapupCode":"w-1","wrapupDurationMs":3000}"#)))
        #expect(acw.eventType == "CONVERSATION_ACW")
        #expect(acw.targetID == "c-2", "without conversationId the topic's id is the target")
        #expect(acw.attributes["conversation_id"] == "c-2")
        #expect(acw.attributes["wrapup_code"] == "w-1")
        #expect(acw.attributes["wrapup_duration_ms"] == 3000)
    }

    @Test func edgeMetrics() throws {
        let body = """
            {"edge":{"id":"edge-1","name":"Edge A"},"eventTime":"2026-01-01T10:00:00.000Z","upTimeMsec":86400000,
             "processors":[{"cpuId":"0","activeTimePct":20.0},{"cpuId":"1","activeTimePct":41.0}],
             "memory":[{"type":"physical","availableBytes":2000,"totalBytes":8000},{"type":"virtual","availableBytes":1,"totalBytes":2}],
             "disks":[{"partitionName":"C:","availableBytes":250,"totalBytes":1000}],
             "networks":[{"ifName":"eth0","sentBytesPerSec":10,"receivedBytesPerSec":20}]}
            """
        let event = try normalizer.normalize(
            parse(
                Self.envelope(
                    detailType: "v2.telephony.providers.edges.{id}.metrics",
                    topic: "v2.telephony.providers.edges.edge-1.metrics", body: body)))
        #expect(event.sourceKind == "edge_metrics")
        #expect(event.eventType == "EDGE_METRICS")
        #expect(event.targetID == "edge-1")
        #expect(event.attributes["edge_name"] == "Edge A")
        #expect(event.attributes["cpu_pct"]?.doubleValue == 30.5)
        #expect(event.attributes["memory_used_pct"]?.doubleValue == 75)
        #expect(event.attributes["disk_used_pct"]?.doubleValue == 75)
        #expect(event.attributes["processor_count"] == 2)
        #expect(event.attributes["up_time_msec"] == 86400000)
    }

    @Test func transcript() throws {
        let body = """
            {"eventTime":"2026-01-01T10:00:01.000Z","conversationId":"c-9","communicationId":"comm-1",
             "transcripts":[{"utteranceId":"u1","isFinal":true,"channel":"EXTERNAL","alternatives":[{"confidence":0.9,"transcript":"hello"}]},
                            {"utteranceId":"u2","isFinal":true,"channel":"INTERNAL","alternatives":[{"confidence":0.8,"transcript":"hi, how can I help"}]}]}
            """
        let event = try normalizer.normalize(
            parse(
                Self.envelope(
                    detailType: "v2.conversations.{id}.transcription", topic: "v2.conversations.c-9.transcription",
                    body: body)))
        #expect(event.sourceKind == "transcript")
        #expect(event.eventType == "CONVERSATION_TRANSCRIPTION")
        #expect(event.targetID == "c-9")
        #expect(event.attributes["transcript"] == "hello\nhi, how can I help")
        #expect(event.attributes["utterance_count"] == 2)
        #expect(event.attributes["is_final"] == true)
        #expect(event.attributes["confidence"]?.doubleValue == 0.8)
        #expect(event.attributes["communication_id"] == "comm-1")
    }

    @Test func genericFallbackKeepsTopicAndFlattensBody() throws {
        let body =
            #"{"id":"u-1","presenceDefinition":{"id":"pd-1","systemPresence":"AVAILABLE"},"modifiedDate":"2026-01-01T09:59:00Z"}"#
        let event = try normalizer.normalize(
            parse(
                Self.envelope(
                    detailType: "v2.users.{id}.presence", topic: "v2.users.u-1.presence", body: body)))
        #expect(event.sourceKind == "notification")
        #expect(event.eventType == "USERS_PRESENCE")
        #expect(event.timestamp.iso8601 == "2026-01-01T10:00:00.500Z", "without eventTime, detail.timestamp")
        #expect(event.attributes["topic_name"] == "v2.users.u-1.presence")
        #expect(event.attributes["presenceDefinition.systemPresence"] == "AVAILABLE")
        #expect(event.attributes["id"] == "u-1")
    }

    @Test(arguments: [
        (#"[1,2]"#, "not an object"),
        (#"{"detail":{"topicName":"t","eventBody":{}}}"#, "id"),
        (#"{"id":"x","detail":"nope"}"#, "detail is missing"),
        (#"{"id":"x","detail":{"eventBody":{}}}"#, "detail.topicName"),
        (#"{"id":"x","detail":{"topicName":"v2.users.u.presence","eventBody":[1]}}"#, "detail.eventBody"),
        (
            #"{"id":"x","detail":{"topicName":"v2.detail.events.conversation.c.acw","eventBody":{"eventTime":"yesterday"}}}"#,
            "eventTime"
        ),
        (#"{"id":"x","detail":{"topicName":"v2.users.u.presence","eventBody":{}}}"#, "no eventTime"),
    ])
    func malformedEnvelopesNameTheField(text: String, fragment: String) {
        #expect {
            try normalizer.normalize(parse(text))
        } throws: { error in
            guard let error = error as? RelayError else { return false }
            return error.code == .malformedRecord && error.message.contains(fragment)
        }
    }

    @Test func snakeCase() {
        #expect(TopicAttributes.snakeCase("interactingDurationMs") == "interacting_duration_ms")
        #expect(TopicAttributes.snakeCase("queueId") == "queue_id")
        #expect(TopicAttributes.snakeCase("ani") == "ani")
        #expect(TopicAttributes.snakeCase("ANIName") == "ani_name")
        #expect(TopicAttributes.snakeCase("v2Value") == "v2_value")
        #expect(TopicAttributes.snakeCase("some-key name") == "some_key_name")
        // Non-ASCII keys take the Unicode path with the same rules.
        #expect(TopicAttributes.snakeCase("größeWert") == "größe_wert")
        #expect(TopicAttributes.snakeCase("ÄpfelZählerID") == "äpfel_zähler_id")
    }
}
