import Logging
import RelayCore
import RelayHTTP
import RelayTesting
import Testing

@testable import RelayGenesys

/// The source against a scripted peer: exact request shapes and checkpoint arithmetic.
@Suite struct GenesysAuditSourceUnitTests {
    static let tokenBody = #"{"access_token":"tok","token_type":"bearer","expires_in":86400}"#

    func makeSource(
        clock: ManualClock, services: [String]? = ["Routing"], pageSize: Int = 100,
        http: FakeHTTP
    ) throws -> GenesysAuditSource {
        let configuration = GenesysAuditSourceConfiguration(
            name: "gen", baseURL: "http://org.test", clientID: "cid", clientSecret: "secret",
            services: services, pageSize: pageSize
        )
        return try GenesysAuditSource(configuration: configuration, clock: clock, send: http.send)
    }

    @Test func quietPartitionCheckpointsTheQueryEndAndRereadsOneLookbackWindow() async throws {
        let clock = ManualClock()
        let start = clock.now
        let http = FakeHTTP { request, _ in
            if request.path == "/oauth/token" { return jsonResponse(200, Self.tokenBody) }
            return jsonResponse(200, #"{"entities":[],"pageSize":100,"pageNumber":1,"total":0,"pageCount":0}"#)
        }
        let source = try makeSource(clock: clock, http: http)
        let intake = InMemoryIntake()
        let report = try await source.runCycle(into: intake, logger: Logger.quiet("test"))
        #expect(report == CycleReport())

        let query = try #require(http.sent.last)
        #expect(query.method == "POST")
        #expect(query.path == "/api/v2/audits/query/realtime?expand=user")
        #expect(query.header("Authorization") == "Bearer tok")
        let initial = start.advanced(by: .seconds(-86_400 - 300)).timestamp
        #expect(
            query.jsonBody == [
                "interval": .string("\(initial.iso8601)/\(start.timestamp.iso8601)"),
                "serviceName": "Routing",
                "sort": [["name": "Timestamp", "sortOrder": "ascending"]],
                "pageNumber": 1,
                "pageSize": 100,
            ])
        #expect(await intake.checkpoints["Routing"] == start.timestamp.iso8601)

        clock.advance(by: .seconds(60))
        _ = try await source.runCycle(into: intake, logger: Logger.quiet("test"))
        let second = try #require(http.sent.last?.jsonBody?["interval"]?.stringValue)
        #expect(second == "\(start.advanced(by: .seconds(-300)).timestamp.iso8601)/\(clock.now.timestamp.iso8601)")
        #expect(http.sent.filter { $0.path == "/oauth/token" }.count == 1)
    }

    @Test func pagesAreCommittedWithTheLatestEventDateAsCheckpoint() async throws {
        let clock = ManualClock()
        let pages = [
            #"{"entities":[{"id":"a","eventDate":"2026-01-01T00:00:01Z"},{"id":"b","eventDate":"2025-12-31T23:59:59Z"}],"pageNumber":1,"pageCount":2}"#,
            #"{"entities":[{"id":"c","eventDate":"broken"},{"id":"d","eventDate":"2025-12-31T23:59:58Z"}],"pageNumber":2,"pageCount":2}"#,
        ]
        let http = FakeHTTP { request, _ in
            if request.path == "/oauth/token" { return jsonResponse(200, Self.tokenBody) }
            let number = request.jsonBody?["pageNumber"]?.int64Value ?? 1
            return jsonResponse(200, pages[Int(number) - 1])
        }
        let source = try makeSource(clock: clock, pageSize: 2, http: http)
        let intake = InMemoryIntake(checkpoints: ["Routing": "2025-12-31T23:00:00.000Z"])
        clock.advance(by: .seconds(1))
        let report = try await source.runCycle(into: intake, logger: Logger.quiet("test"))
        #expect(report.pages == 2)
        #expect(report.records == 4)
        #expect(report.accepted == 3)
        #expect(report.malformed == 1)
        let commits = await intake.commits
        #expect(
            commits.map(\.checkpoint) == [
                "2026-01-01T00:00:01.000Z", "2026-01-01T00:00:01.000Z", "2026-01-01T00:00:01.000Z",
            ])
        #expect(commits[1].malformed.first?.raw == #"{"id":"c","eventDate":"broken"}"#)
        #expect(commits[1].malformed.first?.reason.contains("eventDate") == true)
        #expect(commits[2].events.isEmpty)
    }

    @Test func theRealtimeServiceMappingIsAskedWhenNoServicesAreConfigured() async throws {
        let clock = ManualClock()
        let http = FakeHTTP { request, _ in
            switch request.path {
            case "/oauth/token": jsonResponse(200, Self.tokenBody)
            case "/api/v2/audits/query/realtime/servicemapping":
                jsonResponse(
                    200, #"{"services":[{"name":"Routing","entities":[]},{"name":"Presence"},{"name":"Routing"}]}"#)
            case "/api/v2/audits/query/servicemapping":
                jsonResponse(200, #"{"services":[{"name":"Routing"},{"name":"Presence"},{"name":"Quality"}]}"#)
            default: jsonResponse(200, #"{"entities":[],"pageCount":0}"#)
            }
        }
        let source = try makeSource(clock: clock, services: nil, http: http)
        let intake = InMemoryIntake()
        _ = try await source.runCycle(into: intake, logger: Logger.quiet("test"))
        let queried = http.sent.compactMap { $0.jsonBody?["serviceName"]?.stringValue }
        #expect(queried == ["Routing", "Presence"])
        #expect(await Set(intake.checkpoints.keys) == ["Routing", "Presence"])
        #expect(!http.sent.contains { $0.path == "/api/v2/audits/query/servicemapping" })
    }

    @Test func anInvalidConfigurationIsRejected() {
        #expect(throws: RelayError.self) {
            _ = try GenesysAuditSource(
                configuration: GenesysAuditSourceConfiguration(clientID: "x", clientSecret: ""),
                transport: HTTPTransport(), clock: ManualClock()
            )
        }
    }
}
