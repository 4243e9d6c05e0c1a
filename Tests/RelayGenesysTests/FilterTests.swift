import Logging
import RelayConfig
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing
import Yams

@testable import RelayGenesys

/// Per-source `filters`: read from YAML with problems at their paths, sent in the query bodies,
/// applied by the org emulator.
@Suite struct GenesysAuditFilterTests {
    let logger = Logger.quiet("ccrelay.test.genesys.filters")

    func read(_ yaml: String) throws -> (GenesysAuditSourceConfiguration?, [ConfigProblem]) {
        let diagnostics = ConfigDiagnostics()
        let node = ConfigNode(
            node: try #require(try Yams.compose(yaml: yaml)), path: "sources.genesys", diagnostics: diagnostics,
            interpolation: Interpolation(environment: { _ in nil }))
        let configuration = GenesysAuditSourceConfiguration.read(name: "genesys", node)
        return (configuration, diagnostics.problems)
    }

    @Test func filtersAreReadInOrder() throws {
        let (configuration, problems) = try read(
            """
            {type: genesys_audit, client_id: c, client_secret: s,
             filters: [{property: EntityType, value: Queue}, {property: Action, value: Delete}]}
            """)
        #expect(problems.isEmpty)
        #expect(
            configuration?.filters == [
                GenesysAuditFilter(property: "EntityType", value: "Queue"),
                GenesysAuditFilter(property: "Action", value: "Delete"),
            ])
    }

    @Test func badFiltersAreReportedAtTheirPaths() throws {
        let (_, problems) = try read(
            """
            {type: genesys_audit, client_id: c, client_secret: s,
             filters: [{property: entityType, value: Queue}, {property: Action, value: ""}, {value: x},
                       {property: UserId, value: u, operator: eq}, Action]}
            """)
        let byPath = Dictionary(grouping: problems, by: \.path).mapValues { $0.map(\.message) }
        #expect(
            byPath["sources.genesys.filters[0].property"]?.first?.contains("\"entityType\" is not a property") == true)
        #expect(byPath["sources.genesys.filters[1].value"] == ["must not be empty"])
        #expect(byPath["sources.genesys.filters[2].property"] == ["missing required key \"property\""])
        #expect(byPath["sources.genesys.filters[3].operator"]?.first?.hasPrefix("unknown key") == true)
        #expect(byPath["sources.genesys.filters[4]"] == ["expected a mapping with property and value"])
        #expect(problems.count == 5)
    }

    @Test func filtersNotAListAreReported() throws {
        let (_, problems) = try read("{type: genesys_audit, client_id: c, client_secret: s, filters: {a: b}}")
        #expect(problems.map(\.path) == ["sources.genesys.filters"])
    }

    @Test func onlyRecordsMatchingEveryFilterAreRead() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: clock)
        let now = clock.now
        for (id, entityType, action) in [
            ("queue-delete", "Queue", "Delete"), ("queue-update", "Queue", "Update"),
            ("flow-delete", "Flow", "Delete"),
        ] {
            let record: JSONValue = [
                "id": .string(id), "serviceName": "Routing", "eventDate": .string(now.timestamp.iso8601),
                "user": ["id": "u-1"], "action": .string(action), "entityType": .string(entityType),
                "entity": ["id": "e-1"], "level": "USER", "status": "SUCCESS",
            ]
            org.insert(record.objectValue!, visibleAt: now)
        }
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let filters = [
                GenesysAuditFilter(property: "EntityType", value: "Queue"),
                GenesysAuditFilter(property: "Action", value: "Delete"),
            ]
            let source = try GenesysAuditSource(
                configuration: GenesysAuditSourceConfiguration(
                    name: "genesys", baseURL: url, clientID: org.configuration.clientID,
                    clientSecret: org.configuration.clientSecret, services: ["Routing"], filters: filters),
                transport: HTTPTransport(), clock: clock)
            let intake = InMemoryIntake()
            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(await intake.eventIDs == [EventID.make(platform: .genesys, nativeID: "queue-delete")])
            #expect(report.records == 1)
        }
    }

    @Test func theAsynchronousQueryCarriesTheFilters() async throws {
        let http = FakeHTTP { _, _ in jsonResponse(202, #"{"id":"q-1","state":"Queued"}"#) }
        let tokens = FakeTokenSource(clock: ManualClock())
        let client = GenesysAPIClient(
            endpoints: GenesysEndpoints(baseURL: "https://gateway.example"), tokens: tokens.provider(),
            send: http.send)
        let query = GenesysAsyncAuditQuery(
            client: client, filters: [GenesysAuditFilter(property: "UserId", value: "u-7")])
        let start = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        let end = Timestamp(millisecondsSinceEpoch: 1_700_003_600_000)
        _ = try await query.submit(service: "Routing", start: start, end: end)
        let body = try #require(http.sent.last?.jsonBody)
        #expect(body["filters"] == [["property": "UserId", "value": "u-7"]])
    }
}
