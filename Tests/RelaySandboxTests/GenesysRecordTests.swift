import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@Suite("Genesys org emulator: generated AuditLogMessage records", .timeLimit(.minutes(1)))
struct GenesysRecordTests {
    /// Every record of every service, fetched over HTTP with `expand=user`.
    private func fetchAll(_ org: GenesysOrgEmulator, services: [String]) async throws -> [JSONValue] {
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            var records: [JSONValue] = []
            for service in services {
                var pageNumber = 1
                while true {
                    let response = try await session.realtime(
                        token: token, GenesysTestSession.query(service: service, pageNumber: pageNumber, pageSize: 500),
                        expandUser: true
                    )
                    let page = try #require(response.json?["entities"]?.arrayValue)
                    records += page
                    if page.count < 500 { break }
                    pageNumber += 1
                }
            }
            return records
        }
    }

    @Test(
        "some records take the shapes real orgs send: whole-second eventDate, client {id:\"\"}, empty initiatingAction")
    func realVariants() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: .init(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock)
        org.generate(count: 200)
        clock.advance(by: .milliseconds(123))
        org.generate(count: 200)
        let records = try await fetchAll(org, services: GenesysOrgConfiguration.defaultServices)
        let dates = records.compactMap { $0["eventDate"]?.stringValue }
        #expect(dates.contains { !$0.contains(".") }, "a whole second without a fraction")
        #expect(dates.contains { $0.hasSuffix(".000Z") }, "or with one")
        #expect(dates.contains { $0.hasSuffix(".123Z") }, "and milliseconds always written")
        let uiClients = records.compactMap { $0["client"]?.objectValue }.filter { $0["id"] == "" }
        #expect(!uiClients.isEmpty)
        #expect(uiClients.allSatisfy { $0.count == 1 }, "a change made in the UI carries client {id:\"\"} alone")
        #expect(records.contains { $0["initiatingAction"]?.objectValue?.isEmpty == true })
    }

    @Test("records carry exactly AuditLogMessage's fields with the SDK's types")
    func fieldsAndTypes() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: .init(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock)
        org.generate(count: 400)
        let records = try await fetchAll(org, services: GenesysOrgConfiguration.defaultServices)
        #expect(records.count == 400)
        let allowed: Set = [
            "id", "userHomeOrgId", "user", "client", "remoteIp", "serviceName", "level", "eventDate", "message",
            "action", "entity", "entityType", "status", "application", "initiatingAction", "transactionInitiator",
            "propertyChanges", "context", "entityChanges",
        ]
        for record in records {
            let object = try #require(record.objectValue)
            #expect(Set(object.members.map(\.key)).isSubset(of: allowed))
            let id = try #require(record["id"]?.stringValue)
            #expect(id.count == 36 && id.split(separator: "-").count == 5)
            #expect(["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00Z"].contains(record["eventDate"]?.stringValue))
            #expect(["USER", "SYSTEM", "GENESYS_INTERNAL"].contains(record["level"]?.stringValue ?? ""))
            #expect(["SUCCESS", "FAILURE", "WARNING"].contains(record["status"]?.stringValue ?? ""))
            #expect(record["transactionInitiator"]?.boolValue != nil)
            #expect(record["remoteIp"]?.arrayValue?.allSatisfy { $0.stringValue != nil } == true)
            #expect(record["client"]?["id"]?.stringValue != nil)
            #expect(record["entity"]?["id"]?.stringValue != nil)
            #expect(record["initiatingAction"]?.objectValue != nil)
            #expect(record["message"]?["messageParams"]?.objectValue != nil)
            for change in record["propertyChanges"]?.arrayValue ?? [] {
                #expect(change["property"]?.stringValue != nil)
                #expect(change["oldValues"]?.arrayValue?.allSatisfy { $0.stringValue != nil } == true)
                #expect(change["newValues"]?.arrayValue?.allSatisfy { $0.stringValue != nil } == true)
            }
            #expect(record["context"]?.objectValue?.allSatisfy { $0.value.stringValue != nil } == true)
            if let user = record["user"] {
                #expect(user["name"]?.stringValue != nil)
                #expect(user["selfUri"]?.stringValue?.hasPrefix("/api/v2/users/") == true)
            }
        }
    }

    @Test("the mix covers queues, roles, OAuth secret views, users, presence and system-initiated records")
    func realisticMix() async throws {
        let org = GenesysOrgEmulator(
            configuration: .init(latePersistence: .zero ... .zero, historyPerService: 0), clock: ManualClock())
        org.generate(count: 400)
        let records = try await fetchAll(org, services: GenesysOrgConfiguration.defaultServices)
        func any(_ predicate: (JSONValue) -> Bool) -> Bool { records.contains(where: predicate) }
        #expect(any { $0["serviceName"] == "Routing" && $0["entityType"] == "Queue" && $0["action"] == "Create" })
        #expect(any { $0["serviceName"] == "Routing" && $0["entityType"] == "Queue" && $0["action"] == "Delete" })
        #expect(
            any {
                $0["serviceName"] == "Authorization" && $0["entityType"] == "Role" && $0["action"] == "Update"
                    && $0["propertyChanges"]?.arrayValue?.first?["property"] == "permissionPolicies"
            })
        #expect(any { $0["serviceName"] == "OAuth" && $0["entityType"] == "OAuthClient" && $0["action"] == "View" })
        #expect(any { $0["serviceName"] == "Directory" && $0["entityType"] == "User" })
        #expect(any { $0["serviceName"] == "Directory" && $0["entityChanges"]?.arrayValue?.isEmpty == false })
        #expect(any { $0["serviceName"] == "Presence" && $0["entityType"] == "UserPresence" })
        #expect(
            any { $0["user"] == nil && $0["client"]?["id"]?.stringValue?.isEmpty == false && $0["level"] == "SYSTEM" })
        #expect(any { $0["client"]?["id"] == "" })
        #expect(any { $0["status"] == "FAILURE" })
        #expect(any { $0["userHomeOrgId"]?.stringValue != org.organizationID })
    }

    @Test("generation is deterministic for a seed and differs across seeds")
    func deterministic() async throws {
        let first = GenesysOrgEmulator(configuration: .init(seed: 7, historyPerService: 0), clock: ManualClock())
        let second = GenesysOrgEmulator(configuration: .init(seed: 7, historyPerService: 0), clock: ManualClock())
        let other = GenesysOrgEmulator(configuration: .init(seed: 8, historyPerService: 0), clock: ManualClock())
        let ids = first.generate(count: 50)
        #expect(second.generate(count: 50) == ids)
        #expect(other.generate(count: 50) != ids)
        #expect(Set(ids).count == 50)
        for org in [first, second] { org.makeAllVisible() }
        let firstRecords = try await fetchAll(first, services: GenesysOrgConfiguration.defaultServices)
        let secondRecords = try await fetchAll(second, services: GenesysOrgConfiguration.defaultServices)
        #expect(firstRecords == secondRecords)
    }

    @Test("only the configured services are generated")
    func configuredServices() async throws {
        let org = GenesysOrgEmulator(
            configuration: .init(
                services: ["OAuth", "Presence"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: ManualClock()
        )
        org.generate(count: 60)
        let records = try await fetchAll(org, services: ["OAuth", "Presence"])
        #expect(records.count == 60)
    }
}
