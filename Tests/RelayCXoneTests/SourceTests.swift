import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayCXone

@Suite("CXone audit source against the tenant emulator")
struct CXoneSourceTests {
    @Test("changes of every entity kind and logins are pulled once, with one token")
    func pullsEverything() async throws {
        try await withTenant { tenant, source, clock in
            let changes = tenant.generateChanges(count: 60)
            let logins = tenant.generateLogins(count: 15)
            clock.advance(by: .seconds(1))
            let intake = InMemoryIntake()
            let report = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(report.accepted == 75)
            #expect(report.malformed == 0)
            let events = await intake.events
            #expect(events.filter { $0.eventType == "AGENT_LOGIN" }.count == 15)
            #expect(
                Set(events.map(\.eventType)).isSuperset(of: ["CAMPAIGN_MODIFIED", "STATION_MODIFIED", "AGENT_LOGIN"]))
            // Each change arrives as its entity, column and new value.
            let arrived = Set(
                events.filter { $0.eventType != "AGENT_LOGIN" }.map {
                    "\($0.targetID ?? "")|\($0.newValue ?? "")|\($0.timestamp)"
                })
            let expected = Set(
                changes.map {
                    "\($0.entityID)|{\"\($0.columnName)\":\"\($0.newValue)\"}|\(clock.now.advanced(by: .seconds(-1)).timestamp)"
                })
            #expect(arrived == expected)
            #expect(
                Set(events.compactMap(\.actorID)).isSubset(
                    of: Set(tenant.agentIDs().map(String.init)).union(["9000", "9001", "9002"])))
            #expect(tenant.stats.tokenRequests == 1)
            // The API base is configured (the emulator is plain http): no discovery request.
            #expect(tenant.stats.discoveryRequests == 0)
            _ = logins
        }
    }

    @Test("only entities changed in the window get a history call; pages of top entries are all read")
    func pagingAndUpdatedSince() async throws {
        try await withTenant({
            $0.pageSize = 7; $0.collectLogins = false
        }) { tenant, source, clock in
            let campaign = tenant.entityIDs(.campaigns)[0]
            for index in 0..<30 {
                tenant.recordChange(
                    kind: .campaigns, entityID: campaign, column: "Notes", old: "n\(index)", new: "n\(index + 1)")
                clock.advance(by: .milliseconds(10))
            }
            clock.advance(by: .seconds(1))
            let intake = InMemoryIntake()
            let report = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(report.accepted == 30)
            #expect(report.pages == 5)  // 7 + 7 + 7 + 7 + 2
            #expect(tenant.stats.auditHistoryRequests == 5)  // one entity changed, five pages
            #expect(tenant.stats.listRequests == CXoneEntityKind.allCases.count)
        }
    }

    @Test("each partition's checkpoint is its window end; the next cycle re-reads only the look-back overlap")
    func checkpoints() async throws {
        try await withTenant({ $0.lookback = .seconds(300) }) { tenant, source, clock in
            tenant.generateChanges(count: 20)
            tenant.generateLogins(count: 5)
            clock.advance(by: .seconds(1))
            let intake = InMemoryIntake()
            _ = try await source.runCycle(into: intake, logger: quietLogger)
            let end = clock.now.timestamp.iso8601
            let checkpoints = await intake.checkpoints
            #expect(Set(checkpoints.keys) == Set(CXoneEntityKind.allCases.map(\.path) + ["logins"]))
            #expect(checkpoints.values.allSatisfy { $0 == end })

            // Within the overlap: everything is read again and dropped as duplicates.
            clock.advance(by: .seconds(60))
            let second = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(second.accepted == 0)
            #expect(second.duplicates == 25)

            // Once the watermark has moved more than the look-back past them, old entries are not read.
            clock.advance(by: .seconds(600))
            _ = try await source.runCycle(into: intake, logger: quietLogger)
            tenant.generateChanges(count: 4)
            clock.advance(by: .seconds(1))
            let historyBefore = tenant.stats.auditHistoryRequests
            let third = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(third.accepted == 4)
            #expect(third.duplicates == 0)
            #expect(tenant.stats.auditHistoryRequests - historyBefore <= 4)
        }
    }

    @Test("dates without an offset are read in the configured zone")
    func configuredZone() async throws {
        let tenantConfiguration = CXoneTenantConfiguration(dateStyle: .noOffset(offsetSeconds: -5 * 3600))
        try await withTenant(tenant: tenantConfiguration, { $0.timezoneOffsetSeconds = -5 * 3600 }) {
            tenant, source, clock in
            let changedAt = clock.now.timestamp
            let change = tenant.generateChanges(count: 1, kind: .stations)[0]
            #expect(!change.date.hasSuffix("Z"))
            clock.advance(by: .seconds(1))
            let intake = InMemoryIntake()
            _ = try await source.runCycle(into: intake, logger: quietLogger)
            let event = try #require(await intake.events.first)
            #expect(event.timestamp == changedAt)
            #expect(event.attributes["assumed_utc_offset"] == "-05:00")
        }
    }

    @Test("an entity deleted between list and history is skipped; the rest of the partition is delivered")
    func deletedEntitySkipped() async throws {
        try await withTenant({ $0.collectLogins = false }) { tenant, source, clock in
            let stations = tenant.entityIDs(.stations)
            tenant.recordChange(kind: .stations, entityID: stations[0], column: "CallerId", old: "1", new: "2")
            tenant.recordChange(kind: .stations, entityID: stations[1], column: "CallerId", old: "3", new: "4")
            tenant.deleteAfterNextListing(.stations, id: stations[0])
            clock.advance(by: .seconds(1))
            let intake = InMemoryIntake()
            let report = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(report.accepted == 1)
            #expect(await intake.events.first?.targetID == String(stations[1]))
            #expect(tenant.stats.notFoundResponses == 1)
            #expect(await intake.checkpoints["stations"] == clock.now.timestamp.iso8601)
        }
    }

    @Test("a 400 fails only its partition, naming the request and the platform's message; the checkpoint stays")
    func badRequestIsolated() async throws {
        try await withTenant({
            $0.entities = [.campaigns, .stations]; $0.collectLogins = false
        }) { tenant, source, clock in
            tenant.recordChange(
                kind: .campaigns, entityID: tenant.entityIDs(.campaigns)[0], column: "Notes", old: "a", new: "b")
            tenant.recordChange(
                kind: .stations, entityID: tenant.entityIDs(.stations)[0], column: "CallerId", old: "1", new: "2")
            clock.advance(by: .seconds(1))
            tenant.rejectNextHistoryRequests(1)
            let intake = InMemoryIntake()
            do {
                _ = try await source.runCycle(into: intake, logger: quietLogger)
                Issue.record("the cycle succeeded despite a 400")
            } catch let error as RelayError {
                #expect(error.code == .httpStatus)
                #expect(error.message.contains("GET /inContactAPI/services/v34.0/campaigns/"))
                #expect(error.message.contains("audit-history answered status 400"))
                #expect(error.message.contains("Invalid date range for audit history"))
            }
            #expect(await intake.checkpoints["campaigns"] == nil)
            #expect(await intake.checkpoints["stations"] != nil)
            #expect(await intake.events.map(\.targetType) == ["Station"])

            // The source keeps running: the next cycle reads the failed partition again.
            let report = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(report.accepted == 1)
            #expect(await intake.checkpoints["campaigns"] != nil)
        }
    }

    @Test("a 429 ends the cycle quietly with Retry-After + 10 s; committed pages stay and nothing is lost")
    func rateLimited() async throws {
        try await withTenant { tenant, source, clock in
            tenant.generateChanges(count: 30)
            tenant.generateLogins(count: 10)
            clock.advance(by: .seconds(1))
            let intake = InMemoryIntake()
            _ = try await source.client.tokens.authorization()
            tenant.rateLimitNextRequests(1, retryAfterSeconds: 120)
            let limited = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(limited.retryAfter == .seconds(130))
            #expect(await intake.checkpoints.isEmpty)

            clock.advance(by: .seconds(130))
            _ = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(await intake.events.count == 40)
        }
    }

    @Test("revoked tokens are replaced once per cycle; wrong access keys fail with the platform's error")
    func credentials() async throws {
        try await withTenant({ $0.collectLogins = false }) { tenant, source, clock in
            let intake = InMemoryIntake()
            _ = try await source.runCycle(into: intake, logger: quietLogger)
            tenant.expireAllTokens()
            tenant.generateChanges(count: 3)
            clock.advance(by: .seconds(1))
            let report = try await source.runCycle(into: intake, logger: quietLogger)
            #expect(report.accepted == 3)
            #expect(tenant.stats.tokenRequests == 2)
        }
        try await withTenant({ $0.accessKeySecret = "wrong" }) { _, source, _ in
            do {
                _ = try await source.runCycle(into: InMemoryIntake(), logger: quietLogger)
                Issue.record("a wrong access key was accepted")
            } catch let error as RelayError {
                #expect(error.code == .authentication)
                #expect(error.message.contains("invalid_grant"))
                #expect(!error.message.contains("wrong"))
            }
        }
    }
}
