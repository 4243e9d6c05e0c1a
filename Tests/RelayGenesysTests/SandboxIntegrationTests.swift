import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayGenesys

/// The pull source against the Genesys org emulator over real HTTP, time driven by a ManualClock.
@Suite struct GenesysAuditSourceSandboxTests {
    let logger = Logger.quiet("ccrelay.test.genesys")

    func orgConfiguration(services: [String] = GenesysOrgConfiguration.defaultServices) -> GenesysOrgConfiguration {
        GenesysOrgConfiguration(services: services, latePersistence: .zero ... .zero, historyPerService: 0)
    }

    func source(_ baseURL: String, clock: ManualClock, services: [String]? = nil, pageSize: Int = 100) throws
        -> GenesysAuditSource
    {
        let org = GenesysOrgConfiguration()
        return try GenesysAuditSource(
            configuration: GenesysAuditSourceConfiguration(
                name: "genesys", baseURL: baseURL, clientID: org.clientID, clientSecret: org.clientSecret,
                services: services, pageSize: pageSize
            ),
            transport: HTTPTransport(), clock: clock
        )
    }

    /// A REST `AuditLogMessage` for ``GenesysOrgEmulator/insert(_:visibleAt:)``.
    func record(id: String, service: String = "Routing", at date: WallInstant) -> JSONObject {
        let value: JSONValue = [
            "id": .string(id), "serviceName": .string(service), "eventDate": .string(date.timestamp.iso8601),
            "user": ["id": "u-1", "name": "Late Larry"], "action": "Update", "entityType": "Queue",
            "entity": ["id": "q-1", "name": "Support"], "level": "USER", "status": "SUCCESS",
        ]
        return value.objectValue!
    }

    @Test func everyPageOfEveryServiceIsPulledAndCheckpointed() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: orgConfiguration(), clock: clock)
        let ids = org.generate(count: 60)
        let eventDate = clock.now.timestamp
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock, pageSize: 3)
            let intake = InMemoryIntake()
            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(await intake.eventIDs == Set(ids.map { EventID.make(platform: .genesys, nativeID: $0) }))
            #expect(report.records == 60)
            #expect(report.accepted == 60)
            #expect(report.retryAfter == nil)
            let pagesPerService = await Dictionary(
                grouping: intake.commits.filter { !$0.events.isEmpty }, by: \.partition)
            #expect(report.pages == pagesPerService.values.map(\.count).reduce(0, +))
            #expect(pagesPerService.values.contains { $0.count > 1 }, "page size 3 must force several pages")
            let checkpoints = await intake.checkpoints
            #expect(Set(checkpoints.keys) == Set(GenesysOrgConfiguration.defaultServices))
            // A complete cycle has read everything up to its query's end.
            for service in pagesPerService.keys {
                #expect(checkpoints[service] == WallInstant(eventDate).advanced(by: .seconds(1)).timestamp.iso8601)
            }
            let stats = org.stats
            #expect(stats.tokenRequests == 1)
            #expect(
                stats.realtimeQueries == report.pages + GenesysOrgConfiguration.defaultServices.count
                    - pagesPerService.count)
            // Checkpoints lead the next cycle: nothing new, nothing re-accepted.
            clock.advance(by: .seconds(60))
            let again = try await source.runCycle(into: intake, logger: logger)
            #expect(again.accepted == 0)
            #expect(again.duplicates == again.records)
        }
    }

    @Test func aTokenExpiringMidCycleIsRefreshedExactlyOnce() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: orgConfiguration(services: ["Routing", "Directory"]), clock: clock)
        org.generate(count: 40)
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock, services: ["Routing", "Directory"], pageSize: 5)
            let intake = InMemoryIntake { commits in
                if commits == 1 { org.expireAllTokens() }
            }
            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(report.accepted == 40)
            let stats = org.stats
            #expect(stats.tokenRequests == 2)
            #expect(stats.unauthorizedResponses == 1)
            #expect(await source.client.tokens.fetchCount == 2)
        }
    }

    @Test func lateRecordsInsideTheLookbackAreCaughtNextCycle() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: orgConfiguration(services: ["Routing"]), clock: clock)
        let start = clock.now
        org.insert(record(id: "on-time", at: start), visibleAt: start)
        // Happened two minutes ago, but the platform persists it only 30 s from now.
        org.insert(
            record(id: "late", at: start.advanced(by: .seconds(-120))), visibleAt: start.advanced(by: .seconds(30)))
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock, services: ["Routing"])
            let intake = InMemoryIntake()
            let late = EventID.make(platform: .genesys, nativeID: "late")
            _ = try await source.runCycle(into: intake, logger: logger)
            #expect(await intake.eventIDs == [EventID.make(platform: .genesys, nativeID: "on-time")])
            #expect(await intake.checkpoints["Routing"] == start.advanced(by: .seconds(1)).timestamp.iso8601)

            clock.advance(by: .seconds(60))
            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(await intake.eventIDs.contains(late))
            #expect(report.accepted == 1)
            #expect(report.duplicates == 1)
            let event = try #require(await intake.eventsByID[late])
            #expect(event.actorName == "Late Larry")
            #expect(event.eventType == "QUEUE_UPDATED")
        }
    }

    @Test(arguments: [MalformedPage.invalidJSON, .missingEntities])
    func aMalformedPageKeepsTheCheckpointAndTheNextCycleSucceeds(page: MalformedPage) async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: orgConfiguration(services: ["Routing"]), clock: clock)
        let ids = org.generate(count: 12)
        clock.advance(by: .seconds(1))
        let earlier = clock.now.advanced(by: .seconds(-3600)).timestamp.iso8601
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock, services: ["Routing"], pageSize: 5)
            let intake = InMemoryIntake(checkpoints: ["Routing": earlier])
            org.failNextRealtimeQueries(1, with: page)
            await #expect {
                _ = try await source.runCycle(into: intake, logger: logger)
            } throws: { error in
                (error as? RelayError)?.code == .malformedResponse
            }
            #expect(await intake.commits.isEmpty)
            #expect(await intake.checkpoints["Routing"] == earlier)

            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(report.accepted == 12)
            #expect(await intake.eventIDs == Set(ids.map { EventID.make(platform: .genesys, nativeID: $0) }))
        }
    }

    @Test func aMalformedRecordIsReportedAndTheRestCommitted() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: orgConfiguration(services: ["Routing"]), clock: clock)
        let ids = org.generate(count: 5)
        let raw = #"{"id":"broken-1","serviceName":"Routing","eventDate":"last tuesday"}"#
        org.insertMalformedRecord(serviceName: "Routing", rawJSON: raw)
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock, services: ["Routing"])
            let intake = InMemoryIntake()
            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(report.accepted == 5)
            #expect(report.malformed == 1)
            #expect(await intake.eventIDs == Set(ids.map { EventID.make(platform: .genesys, nativeID: $0) }))
            let malformed = try #require(await intake.malformed.first)
            #expect(malformed.raw.contains("broken-1"))
            #expect(malformed.reason.contains("eventDate"))
        }
    }

    @Test func aRateLimitEndsTheCycleWithRetryAfterAndSendsNothingMore() async throws {
        let clock = ManualClock()
        let services = ["Routing", "Directory"]
        let org = GenesysOrgEmulator(configuration: orgConfiguration(services: services), clock: clock)
        org.generate(count: 30)
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try source(url, clock: clock, services: services, pageSize: 4)
            // The first page commits, then the platform starts refusing.
            let intake = InMemoryIntake { commits in
                if commits == 1 { org.rateLimitNextRequests(1, retryAfterSeconds: 120) }
            }
            let report = try await source.runCycle(into: intake, logger: logger)
            let retryAfter = try #require(report.retryAfter)
            #expect(retryAfter >= .seconds(130))
            #expect(report.pages == 1)
            let stats = org.stats
            #expect(stats.rateLimitedResponses == 1)
            #expect(stats.apiRequests == 2, "one page, one 429, then nothing")
            let commits = await intake.commits
            #expect(commits.count == 1)
            #expect(commits[0].events.count == 4)
        }
    }
}
