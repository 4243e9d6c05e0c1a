import RelayCore
import Testing

@testable import RelayGenesys

@Suite struct GenesysAuditNormalizerTests {
    let normalizer = GenesysAuditNormalizer()

    static let userRecord = """
        {"id":"7d1d2c9b-5d7e-4a3b-9b1f-0c2d3e4f5a6b","userHomeOrgId":"bb14bed0-1111-2222-3333-444455556666",
         "user":{"id":"278522be-aaaa-bbbb-cccc-ddddeeeeffff","name":"John Doe","selfUri":"/api/v2/users/278522be-aaaa-bbbb-cccc-ddddeeeeffff"},
         "client":{"id":"","selfUri":"/api/v2/oauth/clients/"},
         "remoteIp":["203.0.113.7","10.0.0.4"],"serviceName":"Routing","level":"USER",
         "eventDate":"2026-01-01T10:15:30.123Z",
         "message":{"localizableMessageCode":"QUEUE_CREATED","message":"Queue created","messageWithParams":"Queue {0} created","messageParams":{"0":"Support EN"}},
         "action":"Create","entity":{"id":"q-123","name":"Support EN","selfUri":"/api/v2/routing/queues/q-123"},
         "entityType":"Queue","status":"SUCCESS","application":"Genesys Cloud",
         "initiatingAction":{"transactionId":"tx-9","actionContext":"Create"},"transactionInitiator":true,
         "propertyChanges":[{"property":"name","oldValues":[],"newValues":["Support EN"]},
                            {"property":"skillEvaluationMethod","oldValues":["NONE"],"newValues":["BEST"]}],
         "context":{"division":"Home"},"entityChanges":[]}
        """

    @Test func userInitiatedRecord() throws {
        let event = try normalizer.normalize(parse(Self.userRecord))
        #expect(event.eventID == EventID.make(platform: .genesys, nativeID: "7d1d2c9b-5d7e-4a3b-9b1f-0c2d3e4f5a6b"))
        #expect(event.platform == .genesys)
        #expect(event.sourceKind == "audit")
        #expect(event.timestamp.iso8601 == "2026-01-01T10:15:30.123Z")
        #expect(event.eventType == "QUEUE_CREATED")
        #expect(event.actorID == "278522be-aaaa-bbbb-cccc-ddddeeeeffff")
        #expect(event.actorName == "John Doe")
        #expect(event.targetID == "q-123")
        #expect(event.targetType == "Queue")
        #expect(event.oldValue == #"{"skillEvaluationMethod":["NONE"]}"#)
        #expect(event.newValue == #"{"name":["Support EN"],"skillEvaluationMethod":["BEST"]}"#)
        #expect(event.raw == Optional<JSONValue>.none, "raw must be absent unless keep_raw is set")
    }

    @Test func attributesAreFlattenedWithoutRepeatingMappedFields() throws {
        let event = try normalizer.normalize(parse(Self.userRecord))
        let keys = event.attributes.members.map(\.key)
        #expect(
            keys == [
                "userHomeOrgId", "user.selfUri", "client.id", "client.selfUri", "remoteIp", "serviceName", "level",
                "message.localizableMessageCode", "message.message", "message.messageWithParams",
                "message.messageParams.0", "entity.name", "entity.selfUri", "status", "application",
                "initiatingAction.transactionId", "initiatingAction.actionContext", "transactionInitiator",
                "context.division",
            ])
        #expect(event.attributes["remoteIp"] == .array(["203.0.113.7", "10.0.0.4"]))
        #expect(event.attributes["message.message"] == "Queue created")
        #expect(event.attributes["transactionInitiator"] == true)
        #expect(event.attributes["client.id"] == "")
        for consumed in [
            "id", "eventDate", "action", "entityType", "propertyChanges", "entityChanges", "user.id", "user.name",
            "entity.id",
        ] {
            #expect(event.attributes[consumed] == nil, "\(consumed) must not be repeated")
        }
    }

    @Test func clientOnlyRecordUsesTheOAuthClientAsActor() throws {
        let record = parse(
            """
            {"id":"c-1","client":{"id":"5f3e-client","selfUri":"/api/v2/oauth/clients/5f3e-client"},
             "remoteIp":["198.51.100.2"],"serviceName":"PeoplePermissions","level":"USER",
             "eventDate":"2026-01-02T03:04:05Z","action":"View","entity":{"id":"oc-7","name":"SIEM export"},
             "entityType":"OAuthClient","status":"SUCCESS","propertyChanges":[],"context":{}}
            """)
        let event = try normalizer.normalize(record)
        #expect(event.eventType == "OAUTHCLIENT_VIEWED")
        #expect(event.actorID == "5f3e-client")
        #expect(event.actorName == nil)
        #expect(event.attributes["client.id"] == "5f3e-client")
        #expect(event.oldValue == nil)
        #expect(event.newValue == nil)
        #expect(event.timestamp.iso8601 == "2026-01-02T03:04:05.000Z")
    }

    @Test func recordWithNeitherUserNorClientHasNoActor() throws {
        let event = try normalizer.normalize(
            parse(
                """
                {"id":"s-1","client":{"id":""},"eventDate":"2026-01-02T03:04:05Z","action":"Delete","entityType":"WrapupCode","level":"SYSTEM"}
                """))
        #expect(event.actorID == nil)
        #expect(event.actorName == nil)
        #expect(event.targetID == nil)
        #expect(event.eventType == "WRAPUPCODE_DELETED")
    }

    @Test func propertyAndEntityChangesAreMerged() throws {
        let event = try normalizer.normalize(
            parse(
                """
                {"id":"m-1","eventDate":"2026-01-02T03:04:05.5Z","action":"MemberAdd","entityType":"Queue",
                 "user":{"id":"u-1"},
                 "propertyChanges":[{"property":"memberCount","oldValues":["3"],"newValues":["4"]}],
                 "entityChanges":[{"entityId":"u-9","entityName":"Jane Roe","entityType":"User","oldValues":[],"newValues":["member"]},
                                  {"entityId":"u-8","entityType":"User","oldValues":["member"],"newValues":["owner"]}]}
                """))
        #expect(event.eventType == "QUEUE_MEMBER_ADDED")
        #expect(event.actorID == "u-1")
        #expect(event.actorName == nil)
        #expect(event.oldValue == #"{"memberCount":["3"],"u-8":["member"]}"#)
        #expect(event.newValue == #"{"memberCount":["4"],"Jane Roe":["member"],"u-8":["owner"]}"#)
        #expect(event.timestamp.iso8601 == "2026-01-02T03:04:05.500Z")
        #expect(event.attributes.isEmpty)
    }

    @Test(arguments: [
        ("2026-01-01T12:15:30.123+02:00", "2026-01-01T10:15:30.123Z"),
        ("2026-01-01T00:30:00-05:30", "2026-01-01T06:00:00.000Z"),
        ("2025-12-31T23:59:59.999+0100", "2025-12-31T22:59:59.999Z"),
        ("2026-01-01T10:15:30.123456Z", "2026-01-01T10:15:30.123Z"),
    ])
    func offsetsAreConvertedToUTC(input: String, expected: String) throws {
        let event = try normalizer.normalize(
            parse(#"{"id":"t","eventDate":"\#(input)","action":"Update","entityType":"User"}"#))
        #expect(event.timestamp.iso8601 == expected)
    }

    @Test(arguments: [
        (#"{"id":"x","action":"Update"}"#, "eventDate"),
        (#"{"id":"x","eventDate":"yesterday"}"#, "eventDate"),
        (#"{"id":"x","eventDate":"2026-01-01T10:15:30"}"#, "eventDate"),
        (#"{"id":"x","eventDate":"2026-02-30T10:15:30Z"}"#, "eventDate"),
        (#"{"id":"x","eventDate":1767225600000}"#, "eventDate"),
        (#"{"eventDate":"2026-01-01T10:15:30Z"}"#, "id"),
        (#"{"id":"","eventDate":"2026-01-01T10:15:30Z"}"#, "id"),
        (#"["not","an","object"]"#, "object"),
    ])
    func malformedRecordsNameTheField(json: String, field: String) {
        #expect {
            _ = try normalizer.normalize(parse(json))
        } throws: { error in
            guard let error = error as? RelayError else { return false }
            return error.code == .malformedRecord && error.message.contains(field)
        }
    }

    @Test func eventIDIsDeterministicAndRawIsKeptOnRequest() throws {
        let first = try normalizer.normalize(parse(Self.userRecord))
        let second = try normalizer.normalize(parse(Self.userRecord))
        #expect(first.eventID == second.eventID)
        #expect(first.eventID.count == 32)
        let keeping = try GenesysAuditNormalizer(keepRaw: true).normalize(parse(Self.userRecord))
        #expect(keeping.raw == parse(Self.userRecord))
        #expect(keeping.eventID == first.eventID)
    }

    @Test func auditTopicBodyMapsTheTopicFieldNames() throws {
        let body = parse(
            """
            {"id":"b8775049-1","userId":"278522be-1","serviceName":"Presence","eventTime":"2021-06-25T15:11:52.000Z",
             "action":"Update","entityType":"UserPresence","entity":{"id":"278522be-1","name":"John Doe"},
             "propertyChanges":[{"property":"PRESENCE","oldValues":["Break"],"newValues":["Available"]}]}
            """)
        let event = try normalizer.normalizeTopicBody(body)
        #expect(event.eventID == EventID.make(platform: .genesys, nativeID: "b8775049-1"))
        #expect(event.eventType == "USERPRESENCE_UPDATED")
        #expect(event.actorID == "278522be-1")
        #expect(event.targetID == "278522be-1")
        #expect(event.timestamp.iso8601 == "2021-06-25T15:11:52.000Z")
        #expect(event.oldValue == #"{"PRESENCE":["Break"]}"#)
        #expect(event.newValue == #"{"PRESENCE":["Available"]}"#)
        #expect(event.attributes.members.map(\.key) == ["serviceName", "entity.name"])

        let clientOnly = try normalizer.normalizeTopicBody(
            parse(
                """
                {"id":"b2","clientId":{"id":"client-7"},"eventTime":"2021-06-25T15:11:52Z","action":"Read","entityType":"Recording"}
                """))
        #expect(clientOnly.actorID == "client-7")
        #expect(clientOnly.eventType == "RECORDING_READ")
    }
}

@Suite struct GenesysEventTypeTests {
    @Test(arguments: [
        ("Queue", "Create", "QUEUE_CREATED"),
        ("OAuthClient", "View", "OAUTHCLIENT_VIEWED"),
        ("User", "Update", "USER_UPDATED"),
        ("Role", "Delete", "ROLE_DELETED"),
        ("Queue", "Add", "QUEUE_ADDED"),
        ("Queue", "Remove", "QUEUE_REMOVED"),
        ("Recording", "Read", "RECORDING_READ"),
        ("AuthUser", "Login", "AUTHUSER_LOGGED_IN"),
        ("AuthUser", "Logout", "AUTHUSER_LOGGED_OUT"),
        ("Document", "Copy", "DOCUMENT_COPIED"),
        ("Document", "ShareAdd", "DOCUMENT_SHARE_ADDED"),
        ("Document", "TagRemove", "DOCUMENT_TAG_REMOVED"),
        ("Queue", "WrapupCodeAdd", "QUEUE_WRAPUP_CODE_ADDED"),
        ("AuthUser", "AuthenticationFailed", "AUTHUSER_AUTHENTICATION_FAILED"),
        ("AuthUser", "ChangePassword", "AUTHUSER_CHANGED_PASSWORD"),
        ("Recording", "UpdateRetention", "RECORDING_UPDATED_RETENTION"),
        ("Recording", "Upload", "RECORDING_UPLOADED"),
        ("Flow", "Publish", "FLOW_PUBLISHED"),
        ("Flow", "Checkin", "FLOW_CHECKED_IN"),
        ("Flow", "Debug", "FLOW_DEBUGGED"),
        ("Flow", "Save", "FLOW_SAVED"),
        ("Evaluation", "Submit", "EVALUATION_SUBMITTED"),
        ("Campaign", "Stop", "CAMPAIGN_STOPPED"),
        ("Campaign", "Send", "CAMPAIGN_SENT"),
        ("ContactList", "ContactsUpdated", "CONTACTLIST_CONTACTS_UPDATED"),
        ("ChangeRequest", "ImplementingChange", "CHANGEREQUEST_IMPLEMENTING_CHANGE"),
        ("Edge", "DeleteGhostEdgeRecord", "EDGE_DELETED_GHOST_EDGE_RECORD"),
        ("Edge", "GetAWSConfig", "EDGE_GOT_AWS_CONFIG"),
        ("KnowledgeDocument", "Verify", "KNOWLEDGEDOCUMENT_VERIFIED"),
        ("Organization", "IpAllowlistClear", "ORGANIZATION_IP_ALLOWLIST_CLEARED"),
        ("Schedule", "Rollback", "SCHEDULE_ROLLED_BACK"),
        ("Trunk", "Frobnicate", "TRUNK_FROBNICATED"),
        ("Trunk", "Snooze", "TRUNK_SNOOZED"),
        ("Trunk", "Tidy", "TRUNK_TIDIED"),
    ])
    func derivation(entityType: String, action: String, expected: String) {
        #expect(GenesysEventType.derive(entityType: entityType, action: action) == expected)
    }

    @Test func missingPartsAreLeftOut() {
        #expect(GenesysEventType.derive(entityType: "Queue", action: nil) == "QUEUE")
        #expect(GenesysEventType.derive(entityType: nil, action: "Create") == "CREATED")
        #expect(GenesysEventType.derive(entityType: nil, action: nil) == "AUDIT")
        #expect(GenesysEventType.entityPart("Wrap-up Code") == "WRAPUPCODE")
    }
}
