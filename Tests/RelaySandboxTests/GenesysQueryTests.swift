import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@Suite("Genesys org emulator: realtime audit queries", .timeLimit(.minutes(3)))
struct GenesysQueryTests {
    static let routingOnly = GenesysOrgConfiguration(
        services: ["Routing", "Presence"], latePersistence: .zero ... .zero, historyPerService: 0)

    @Test("pages split the matches by pageSize; total and pageCount describe them; order follows sortOrder")
    func paging() async throws {
        let clock = ManualClock()
        let ordered = GenesysOrgEmulator(
            configuration: .init(services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: clock)
        var generated: [String] = []
        for _ in 0..<3 {
            generated += ordered.generate(count: 19)
            clock.advance(by: .seconds(1))
        }
        let expected = generated
        try await Sandbox.withRunning(genesys: ordered, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            var seen: [String] = []
            for (pageNumber, size) in [(1, 25), (2, 25), (3, 7), (4, 0)] {
                let response = try await session.realtime(
                    token: token, GenesysTestSession.query(pageNumber: pageNumber))
                #expect(response.status == 200)
                let page = try #require(response.json)
                let entities = try #require(page["entities"]?.arrayValue)
                #expect(entities.count == size)
                #expect(page["total"]?.int64Value == 57)
                #expect(page["pageCount"]?.int64Value == 3)
                #expect(page["pageSize"]?.int64Value == 25)
                #expect(page["pageNumber"]?.int64Value == Int64(pageNumber))
                seen += entities.compactMap { $0["id"]?.stringValue }
            }
            #expect(seen == expected)

            let descending = try await session.allPages(
                token: token, GenesysTestSession.query(pageSize: 10, order: "descending"))
            let descendingIDs = descending.compactMap { $0["id"]?.stringValue }
            #expect(descendingIDs == Array(expected.reversed()))
            // Compared as times: some records write whole seconds without a fraction.
            let dates = try descending.map { try Timestamp.parse(try #require($0["eventDate"])) }
            #expect(dates.count == descending.count)
            #expect(dates == dates.sorted(by: >))
        }
    }

    @Test("only records with eventDate in [start, end) of the requested service are returned")
    func intervalFiltering() async throws {
        let org = GenesysOrgEmulator(configuration: Self.routingOnly, clock: ManualClock())
        let past = WallInstant(sinceEpoch: .zero)
        org.insert(auditRecord(id: "before", eventDate: "2026-01-01T09:59:59.999Z"), visibleAt: past)
        org.insert(auditRecord(id: "at-start", eventDate: "2026-01-01T10:00:00.000Z"), visibleAt: past)
        org.insert(auditRecord(id: "inside", eventDate: "2026-01-01T10:30:00.250Z"), visibleAt: past)
        org.insert(auditRecord(id: "at-end", eventDate: "2026-01-01T11:00:00.000Z"), visibleAt: past)
        org.insert(auditRecord(id: "presence", service: "Presence", eventDate: "2026-01-01T10:15:00Z"), visibleAt: past)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            let window = "2026-01-01T10:00:00Z/2026-01-01T11:00:00Z"
            let routing = try await session.allPages(token: token, GenesysTestSession.query(interval: window))
            #expect(routing.compactMap { $0["id"]?.stringValue } == ["at-start", "inside"])
            let presence = try await session.allPages(
                token: token, GenesysTestSession.query(service: "Presence", interval: window))
            #expect(presence.compactMap { $0["id"]?.stringValue } == ["presence"])
            let noOffset = try await session.allPages(
                token: token, GenesysTestSession.query(interval: "2026-01-01T10:00:00/2026-01-01T10:30:00")
            )
            #expect(noOffset.compactMap { $0["id"]?.stringValue } == ["at-start"])
        }
    }

    @Test("each filter property selects on its field, and filters combine with AND")
    func filters() async throws {
        let org = GenesysOrgEmulator(configuration: Self.routingOnly, clock: ManualClock())
        let past = WallInstant(sinceEpoch: .zero)
        let date = "2026-01-01T00:00:00.000Z"
        org.insert(
            auditRecord(id: "a", eventDate: date, action: "Create", entityID: "q1", userID: "u1", clientID: "c1"),
            visibleAt: past)
        org.insert(
            auditRecord(id: "b", eventDate: date, action: "Delete", entityID: "q2", userID: "u2", homeOrg: "org-2"),
            visibleAt: past)
        org.insert(
            auditRecord(
                id: "c", eventDate: date, entityType: "WrapupCode", entityID: "w1", userID: nil, clientID: "c1"),
            visibleAt: past)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            func ids(_ filters: [(String, String)]) async throws -> [String] {
                try await session.allPages(token: token, GenesysTestSession.query(filters: filters))
                    .compactMap { $0["id"]?.stringValue }
            }
            #expect(try await ids([("UserId", "u1")]) == ["a"])
            #expect(try await ids([("ClientId", "c1")]) == ["a", "c"])
            #expect(try await ids([("Action", "Delete")]) == ["b"])
            #expect(try await ids([("EntityType", "WrapupCode")]) == ["c"])
            #expect(try await ids([("EntityId", "q2")]) == ["b"])
            #expect(try await ids([("TrusteeOrganizationId", "org-2")]) == ["b"])
            #expect(try await ids([("ClientId", "c1"), ("EntityType", "Queue")]) == ["a"])
            #expect(try await ids([("Action", "Nothing")]) == [])
        }
    }

    @Test("user.name is present only with expand=user")
    func expandUser() async throws {
        let org = GenesysOrgEmulator(configuration: Self.routingOnly, clock: ManualClock())
        org.insert(auditRecord(id: "a", eventDate: "2026-01-01T00:00:00Z"), visibleAt: WallInstant(sinceEpoch: .zero))
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            let plain = try await session.realtime(token: token, GenesysTestSession.query())
            let plainUser = try #require(plain.json?["entities"]?.arrayValue?.first?["user"])
            #expect(plainUser["id"] == "user-1")
            #expect(plainUser["selfUri"] == "/api/v2/users/user-1")
            #expect(plainUser["name"] == nil)
            let expanded = try await session.realtime(token: token, GenesysTestSession.query(), expandUser: true)
            #expect(expanded.json?["entities"]?.arrayValue?.first?["user"]?["name"] == "Test User")
        }
    }

    @Test("records stay invisible until the clock passes their late-persistence delay")
    func latePersistence() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: .init(
                services: ["Routing"], latePersistence: .seconds(10) ... .seconds(10), historyPerService: 0),
            clock: clock
        )
        let ids = org.generate(count: 3)
        org.insert(
            auditRecord(id: "late", eventDate: "2026-01-01T00:00:00Z"), visibleAt: clock.now.advanced(by: .seconds(60)))
        #expect(org.generatedIDs == ids + ["late"])
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            func visible() async throws -> [String] {
                try await session.allPages(token: token, GenesysTestSession.query()).compactMap {
                    $0["id"]?.stringValue
                }
            }
            #expect(try await visible() == [])
            clock.advance(by: .milliseconds(9_999))
            #expect(try await visible() == [])
            clock.advance(by: .milliseconds(1))
            #expect(try await visible() == ids)
            org.makeAllVisible()
            #expect(try await visible() == ids + ["late"])
        }
    }

    @Test("bad bodies, unknown services, bad intervals and oversized pages are 400 ErrorBody")
    func badRequests() async throws {
        let org = GenesysOrgEmulator(configuration: .init(maxPageSize: 500, historyPerService: 0), clock: ManualClock())
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            let bodies: [JSONValue] = [
                GenesysTestSession.query(service: "NoSuchService"),
                GenesysTestSession.query(interval: "2026-01-02T00:00:00Z/2026-01-01T00:00:00Z"),
                GenesysTestSession.query(interval: "yesterday/today"),
                GenesysTestSession.query(interval: "2026-01-01T00:00:00Z"),
                GenesysTestSession.query(pageSize: 501),
                GenesysTestSession.query(pageSize: 0),
                GenesysTestSession.query(pageNumber: 0),
                GenesysTestSession.query(filters: [("Colour", "blue")]),
                ["serviceName": "Routing"],
                "not an object",
            ]
            for body in bodies {
                let response = try await session.realtime(token: token, body)
                #expect(response.status == 400, "\(JSONWriter.string(body))")
                #expect(response.json?["code"] == "bad.request")
                #expect(response.json?["status"]?.int64Value == 400)
                #expect(response.header("ININ-Correlation-Id") != nil)
            }
            let garbage = try await TestHTTP.send(
                .POST, url + "/api/v2/audits/query/realtime", headers: [("Authorization", "Bearer \(token)")],
                body: Array("{nope".utf8)
            )
            #expect(garbage.status == 400)
            #expect(try await session.realtime(token: token, GenesysTestSession.query(pageSize: 500)).status == 200)
        }
    }

    @Test("injected malformed pages: a truncated body, then one without entities, then normal pages")
    func malformedPages() async throws {
        let org = GenesysOrgEmulator(configuration: Self.routingOnly, clock: ManualClock())
        org.generate(count: 2)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            org.failNextRealtimeQueries(1, with: .invalidJSON)
            org.failNextRealtimeQueries(1, with: .missingEntities)
            let truncated = try await session.realtime(token: token, GenesysTestSession.query())
            #expect(truncated.status == 200)
            #expect(!truncated.body.isEmpty)
            #expect(truncated.json == nil)
            let missing = try await session.realtime(token: token, GenesysTestSession.query())
            #expect(missing.status == 200)
            #expect(missing.json != nil)
            #expect(missing.json?["entities"] == nil)
            let normal = try await session.realtime(token: token, GenesysTestSession.query(service: "Presence"))
            #expect(normal.json?["entities"]?.arrayValue != nil)
        }
        #expect(org.stats.realtimeQueries == 3)
    }

    @Test("a malformed record is served once, appended to the next page of its service")
    func malformedRecord() async throws {
        let org = GenesysOrgEmulator(configuration: Self.routingOnly, clock: ManualClock())
        org.insert(
            auditRecord(id: "good", eventDate: "2026-01-01T00:00:00Z"), visibleAt: WallInstant(sinceEpoch: .zero))
        org.insertMalformedRecord(
            serviceName: "Routing", rawJSON: #"{"id":"broken","eventDate":"yesterday","entity":7}"#)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            let presence = try await session.realtime(token: token, GenesysTestSession.query(service: "Presence"))
            #expect(presence.json?["entities"] == [])
            let first = try await session.realtime(token: token, GenesysTestSession.query())
            let entities = try #require(first.json?["entities"]?.arrayValue)
            #expect(entities.compactMap { $0["id"]?.stringValue } == ["good", "broken"])
            #expect(entities.last?["eventDate"] == "yesterday")
            #expect(first.json?["total"]?.int64Value == 1)
            let second = try await session.realtime(token: token, GenesysTestSession.query())
            #expect(second.json?["entities"]?.arrayValue?.count == 1)
        }
    }
}
