import RelayCore
import Testing

@testable import RelayGenesys

/// Redaction rules on normalized fields also cover the copies a Genesys event carries: the `raw`
/// record it keeps and the attributes a normalizer falls back to.
@Suite struct RawRedactionTests {
    static let key = Array("0123456789abcdef0123456789abcdef".utf8)
    static let rules = [
        RedactionRule(path: "attributes.ani", action: .hash),
        RedactionRule(path: "attributes.participant.dnis", action: .hash),
        RedactionRule(path: "actor_name", action: .hash), RedactionRule(path: "old_value", action: .hash),
        RedactionRule(path: "new_value", action: .hash),
    ]
    let redactor = Redactor(rules: rules, key: key)

    func leaked(_ event: Event, _ secrets: [String]) -> [String] {
        let text = String(decoding: event.encoded(), as: UTF8.self)
        return secrets.filter { text.contains($0) }
    }

    @Test("a conversation event pushed with keep_raw: the attribute and its source in raw are hashed")
    func pushedConversationRaw() throws {
        let body =
            #"{"eventTime":1767261600000,"conversationId":"c-1","ANI":"tel:+15551230001","participant":{"dnis":"tel:+15551230002"}}"#
        let envelope = EventBridgeNormalizerTests.envelope(
            detailType: "v2.detail.events.conversation.{id}.customer.start",
            topic: "v2.detail.events.conversation.c-1.customer.start", body: body)
        var event = try GenesysEventBridgeNormalizer(keepRaw: true).normalize(parse(envelope))
        redactor.apply(to: &event)
        #expect(leaked(event, ["+15551230001", "+15551230002"]).isEmpty)
        #expect(event.raw?["detail"]?["eventBody"]?["ANI"] == event.attributes["ani"])
    }

    @Test("a transcript rule covers the derived text, the utterances kept as an attribute, and raw")
    func transcriptCopies() throws {
        let body = #"""
            {"eventTime":1767261600000,"conversationId":"c-2","transcripts":[{"utteranceId":"u1","isFinal":true,"channel":"EXTERNAL",
             "alternatives":[{"confidence":0.9,"transcript":"my card is 4111 secret"}]}]}
            """#
        let envelope = EventBridgeNormalizerTests.envelope(
            detailType: "v2.conversations.{id}.transcription", topic: "v2.conversations.c-2.transcription", body: body)
        var event = try GenesysEventBridgeNormalizer(keepRaw: true).normalize(parse(envelope))
        Redactor(rules: [RedactionRule(path: "attributes.transcript", action: .drop)], key: Self.key).apply(to: &event)
        #expect(leaked(event, ["4111 secret"]).isEmpty)
        #expect(event.attributes["transcript"] == nil)
        #expect(event.attributes["utterance_count"] == 1)
    }

    @Test("an audit topic pushed with keep_raw: actor name and old/new values are hashed in raw too")
    func pushedAuditRaw() throws {
        let body = #"""
            {"id":"a-1","userId":"u-1","username":"Ada Secret","eventTime":"2026-01-01T10:00:00Z","action":"Update",
             "entityType":"User","propertyChanges":[{"property":"phone","oldValues":["+15551230003"],"newValues":["+15551230004"]}]}
            """#
        let envelope = EventBridgeNormalizerTests.envelope(
            detailType: "v2.audits.entitytype.{id}.entityid.{id}", topic: "v2.audits.entitytype.User.entityid.u-1",
            body: body)
        var event = try GenesysEventBridgeNormalizer(keepRaw: true).normalize(parse(envelope))
        redactor.apply(to: &event)
        #expect(leaked(event, ["Ada Secret", "+15551230003", "+15551230004"]).isEmpty)
    }

    @Test("a REST audit record kept raw: user.name and the property changes are hashed in raw")
    func restAuditRaw() throws {
        let record = #"""
            {"id":"r-1","eventDate":"2026-01-01T10:00:00Z","action":"Update","entityType":"User","user":{"id":"u-1","name":"Ada Secret"},
             "propertyChanges":[{"property":"phone","oldValues":["+15551230005"],"newValues":["+15551230006"]}],
             "entityChanges":[{"entityId":"e-1","oldValues":["+15551230007"],"newValues":["+15551230008"]}]}
            """#
        var event = try GenesysAuditNormalizer(keepRaw: true).normalize(parse(record))
        redactor.apply(to: &event)
        #expect(leaked(event, ["Ada Secret", "+1555123000"]).isEmpty)
    }

    @Test("a property change without `property` is kept in the attributes, and hashed there too")
    func propertyChangesFallback() throws {
        let record = #"""
            {"id":"r-2","eventDate":"2026-01-01T10:00:00Z","action":"Update","entityType":"User",
             "propertyChanges":[{"property":"phone","oldValues":["+15551230009"],"newValues":["+15551230010"]},
                                {"oldValues":["+15551230011"],"newValues":["+15551230012"]}],
             "entityChanges":[{"oldValues":["+15551230013"],"newValues":["+15551230014"]}]}
            """#
        var event = try GenesysAuditNormalizer().normalize(parse(record))
        #expect(event.attributes["propertyChanges"] != nil)
        redactor.apply(to: &event)
        #expect(leaked(event, ["+155512300"]).isEmpty)
        #expect(event.attributes["propertyChanges"]?.arrayValue?.count == 2)
    }
}
