import RelayAlerts
import RelayConfig
import RelayCore
import RelayGenerate
import RelayGenesys
import RelayOperations
import RelayRuntime
import RelaySinks
import RelayState
import Testing

@Suite("Generated content agrees with the normalizers and the configuration")
struct GenerateNormalizerTests {
    @Test("the attribute names the content queries are produced by the normalizers")
    func attributesExist() throws {
        let normalizer = GenesysEventBridgeNormalizer()
        let hangUp = try normalizer.normalize(
            try JSONParser.parse(
                Array(
                    #"""
                    {"version":"0","id":"e1","detail-type":"v2.detail.events.conversation.{id}.customer.end",
                     "source":"aws.partner/genesys.com/cloud/o/s","time":"2024-01-01T00:00:00Z",
                     "detail":{"topicName":"v2.detail.events.conversation.c1.customer.end","version":"2",
                      "eventBody":{"eventTime":1704067200000,"conversationId":"c1","disconnectType":"PEER"}}}
                    """#.utf8)))
        let audit = try GenesysAuditNormalizer().normalize(
            try JSONParser.parse(
                Array(
                    #"""
                    {"id":"a1","eventDate":"2024-01-01T00:00:00Z","serviceName":"Directory","action":"View","entityType":"OAuthClient",
                     "entity":{"id":"x","name":"ci"},"remoteIp":["10.0.0.1"],"user":{"id":"u","name":"Jane"}}
                    """#.utf8)))
        let keys = Set(hangUp.attributes.map(\.key)).union(audit.attributes.map(\.key))
        #expect(hangUp.targetID == hangUp.attributes["conversation_id"]?.stringValue)
        #expect(SchemaField.conversationID.path == SchemaField.targetID.path)
        for field in [SchemaField.disconnectType, .serviceName, .remoteIP, .entityName, .topicName] {
            let name = String(field.path.dropFirst(NormalizedSchema.attributesPrefix.count))
            #expect(keys.contains(name), "\(name)")
            #expect(NormalizedSchema.attributeFields.contains(name))
        }
        #expect(hangUp.attributes["disconnect_type"]?.stringValue == AlertCatalog.customerHangUp)
        #expect(hangUp.sourceKind == AlertCatalog.conversationSourceKind)
        #expect(audit.sourceKind == AlertCatalog.auditSourceKind)
        #expect(AlertCatalog.oauthClientReadEventTypes.contains(audit.eventType))
    }

    @Test("the alert catalogue's event types are the ones the audit normalizer derives")
    func eventTypes() {
        #expect(
            AlertCatalog.oauthClientReadEventTypes
                == ["View", "Read"].map { GenesysEventType.derive(entityType: "OAuthClient", action: $0) })
        for suffix in AlertCatalog.readOnlyEventTypeSuffixes {
            #expect(suffix.hasPrefix("_") && suffix == suffix.uppercased())
        }
        #expect(GenesysEventType.derive(entityType: "Role", action: "Update").hasSuffix("_UPDATED"))
        #expect(
            !AlertCatalog.readOnlyEventTypeSuffixes.contains {
                GenesysEventType.derive(entityType: "Role", action: "Update").hasSuffix($0)
            })
        #expect(
            AlertCatalog.readOnlyEventTypeSuffixes.contains {
                GenesysEventType.derive(entityType: "Role", action: "View").hasSuffix($0)
            })
        #expect(
            AlertCatalog.readOnlyEventTypeSuffixes.contains {
                GenesysEventType.derive(entityType: "AuthUser", action: "Login").hasSuffix($0)
            })
    }

    @Test("sink names, indexes and sourcetypes come from the configuration")
    func fromConfiguration() {
        let configuration = RelayConfiguration(
            state: StateConfiguration(), sources: [], routes: [],
            sinks: [
                SplunkHECSinkConfiguration(
                    name: "hec", endpoints: ["https://s:8088"], token: "t", index: "audit_idx", sourcetype: "cc:audit"),
                DatadogLogsSinkConfiguration(name: "dd", apiKey: "k", service: "relay-svc"),
            ],
            alerts: AlertsConfiguration(outboxAgeLimit: .seconds(1200)))
        let input = GenerateInput.from(configuration)
        #expect(
            input.splunk == [SplunkSinkInput(name: "hec", index: "audit_idx", sourcetype: "cc:audit", useACK: true)])
        #expect(input.datadog.map(\.service) == ["relay-svc"])
        #expect(input.sumo == [SumoSinkInput()])
        #expect(input.alerts.lagThresholdSecs == 1200)
        let macros = GenerateTarget.splunk.files(for: input).first { $0.path.hasSuffix("macros.conf") }?.contents ?? ""
        #expect(macros.contains(#"(index="audit_idx" sourcetype="cc:audit")"#))
    }

    @Test(
        "the Firehose transformation's Splunk envelope gets its props (short-key aliases) and an HEC input with acks"
    )
    func firehoseTransformSourcetype() async throws {
        func generated(_ lambda: String) throws -> (input: GenerateInput, files: [String: String]) {
            // The scheduled extraction's sources and sinks share the file; `stdout` is not a SIEM.
            let yaml = """
                allow_inline_secrets: true
                sources:
                  g: {type: genesys_audit, client_id: a, client_secret: b}
                sinks:
                  out: {type: stdout}
                lambda:

                """
            let input = GenerateInput.from(try ConfigLoader().load(yaml: yaml + lambda))
            return (input, GenerateTestSupport.files(.splunk, input))
        }
        let transform = try generated(
            """
              handler: firehose-transform
              firehose_transform: {sourcetype: "genesys:firehose", index: cc_firehose}
            """)
        #expect(
            transform.input.splunk == [
                SplunkSinkInput(
                    name: "firehose_transform", index: "cc_firehose", sourcetype: "genesys:firehose", useACK: true,
                    viaFirehose: true)
            ])
        let app = "splunk/ccrelay_content/default/"
        let props = try await GenerateTestSupport.confStanzas(app + "props.conf", of: transform.files)
        let aliases = try #require(props["genesys:firehose"]?["FIELDALIAS-ccrelay_compact_keys"])
        #expect(aliases.contains("et ASNEW event_type"))
        let inputs = try await GenerateTestSupport.confStanzas(app + "inputs.conf", of: transform.files)
        let input = try #require(inputs["http://ccrelay_firehose_transform"])
        #expect(input["useACK"] == "1")
        #expect(input["index"] == "cc_firehose")
        #expect(transform.files[app + "inputs.conf"]?.contains("the Firehose stream's Splunk destination") == true)

        // Written without a handler: the environment picks it, so the transformation counts.
        #expect(try generated("  firehose_transform: {sourcetype: x}").input.splunk.map(\.sourcetype) == ["x"])
        // Scheduled extraction delivers through the sinks; a Datadog transformation is not Splunk's.
        for lambda in [
            "  handler: scheduled-extraction\n  scheduled_extraction: {state: s3, s3: {bucket: ccrelay-state, region: eu-west-1}}",
            "  handler: firehose-transform\n  firehose_transform: {format: datadog}",
        ] {
            #expect(try generated(lambda).input.splunk == [SplunkSinkInput()], "\(lambda)")
        }
    }

    @Test("the Genesys content lists the configured topics and the audit permission")
    func genesys() {
        var input = GenerateInput()
        input.pushTopics = ["v2.audits.entitytype.{id}.entityid.{id}"]
        let files = Dictionary(
            uniqueKeysWithValues: GenerateTarget.genesys.files(for: input).map { ($0.path, $0.contents) })
        #expect(files["genesys/eventbridge-topics.json"] == "[\n  \"v2.audits.entitytype.{id}.entityid.{id}\"\n]\n")
        let terraform = files["genesys/ccrelay.tf"] ?? ""
        #expect(terraform.contains(#"resource "genesyscloud_integration""#))
        #expect(terraform.contains(#"integration_type = "amazon-eventbridge-source""#))
        #expect(terraform.contains(#""v2.audits.entitytype.{id}.entityid.{id}","#))
        #expect(files["genesys/oauth-client.json"]?.contains("\"audits:audit:view\"") == true)
    }
}
