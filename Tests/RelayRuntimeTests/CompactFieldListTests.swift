import RelayCore
import RelayGenerate
import RelayGenesys
import RelaySandbox
import Testing

/// The generated field list (``NormalizedSchema``) against what the compact encoding, the default,
/// writes: every listed attribute reaches the SIEM or is listed as written only by `encoding: full`.
@Suite("The generated field list and the compact encoding")
struct CompactFieldListTests {
    /// An audit pulled through the REST API, a user acting through an OAuth client, in the sandbox
    /// org's record shape (without a user, the client's id is the `actor_id`).
    static let restAudit = """
        {"id":"0f5e8c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6","userHomeOrgId":"bb14bed0-1111-2222-3333-444455556666",
         "user":{"id":"278522be-aaaa-bbbb-cccc-ddddeeeeffff","name":"Jane Doe"},
         "client":{"id":"c0ffee00-1111-2222-3333-444455556666","selfUri":"/api/v2/oauth/clients/c0ffee00-1111-2222-3333-444455556666"},
         "remoteIp":["203.0.113.7"],"serviceName":"Routing","level":"SYSTEM","eventDate":"2026-01-01T10:15:30.123Z",
         "message":{"localizableMessageCode":"QUEUE_UPDATED","message":"Queue updated: Support EN","messageWithParams":"Queue updated: {entityName}","messageParams":{"entityName":"Support EN"}},
         "action":"Update","entity":{"id":"q-123","name":"Support EN","selfUri":"/api/v2/routing/queues/q-123"},
         "entityType":"Queue","status":"SUCCESS","application":"Platform API",
         "initiatingAction":{"transactionId":"tx-9","actionContext":"Update"},"transactionInitiator":true,
         "propertyChanges":[{"property":"name","oldValues":["Support"],"newValues":["Support EN"]}],"context":{}}
        """

    /// 4,000 generated push events of every kind and the REST audit above, normalized.
    static func normalizedEvents() throws -> [Event] {
        var generator = GenesysEventBridgeGenerator(seed: 11)
        let load = generator.generate(count: 4_000, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        let normalizer = GenesysEventBridgeNormalizer()
        var events = try load.map { try normalizer.normalize($0.event) }
        events.append(try GenesysAuditNormalizer().normalize(try JSONParser.parse(restAudit)))
        return events
    }

    /// The attribute keys of the compact encodings (full names) of ``normalizedEvents()``.
    static func compactAttributeKeys() throws -> Set<String> {
        var keys: Set<String> = []
        for event in try normalizedEvents() {
            let compact = try JSONParser.parse(CompactEvent.compact(event.encoded()))
            keys.formUnion(compact["attributes"]?.objectValue?.map(\.key) ?? [])
        }
        return keys
    }

    @Test("every listed attribute appears in a compact event, or is listed as full-encoding only")
    func everyFieldIsWritten() throws {
        let keys = try Self.compactAttributeKeys()
        for name in NormalizedSchema.attributeFields where !NormalizedSchema.fullEncodingOnly.contains(name) {
            #expect(keys.contains(name), "\(name) is in the field list but no compact event has it")
        }
        for name in NormalizedSchema.fullEncodingOnly {
            #expect(NormalizedSchema.attributeFields.contains(name))
            #expect(!keys.contains(name), "\(name) is listed as full-encoding only but a compact event has it")
        }
    }

    @Test("no normalizer writes a short key as a name, and every listed scalar field has a short key")
    func shortKeysNameOneFieldEach() throws {
        let shortKeys = Set((CompactKeys.commonFields + CompactKeys.attributes).map(\.key))
        var scalarAttributes: Set<String> = []
        for event in try Self.normalizedEvents() {
            let names = event.attributes.map(\.key)
            #expect(
                shortKeys.isDisjoint(with: names), "\(shortKeys.intersection(names).sorted()) in \(event.eventType)")
            for attribute in event.attributes
            where attribute.value.objectValue == nil && attribute.value.arrayValue == nil {
                scalarAttributes.insert(attribute.key)
            }
        }
        for name in NormalizedSchema.attributeFields where scalarAttributes.contains(name) {
            #expect(CompactKeys.key(ofAttribute: name) != nil, "\(name) has no short key")
        }
        for name in Event.commonFieldNames where !["attributes", "raw"].contains(name) {
            #expect(CompactKeys.key(ofCommonField: name) != nil, "\(name) has no short key")
        }
    }

    @Test("the conversation id queries read is the target_id every compact conversation event has")
    func conversationID() throws {
        var generator = GenesysEventBridgeGenerator(seed: 11)
        let normalizer = GenesysEventBridgeNormalizer()
        for _ in 0..<50 {
            let generated = generator.make(.conversation, at: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
            let event = try normalizer.normalize(generated.event)
            let compact = try JSONParser.parse(CompactEvent.compact(event.encoded()))
            #expect(
                compact[SchemaField.conversationID.path]?.stringValue
                    == event.attributes["conversation_id"]?.stringValue)
        }
    }
}
