import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayGenesys

/// Asynchronous-query windows: splitting, resumable extraction, and the live source's switch for
/// a watermark older than the realtime API serves.
@Suite struct BackfillWindowTests {
    let logger = Logger.quiet("ccrelay.test.backfill")

    @Test func aYearSplitsIntoWindowsOfAtMost31Days() throws {
        let start = try Timestamp.parseISO8601("2025-01-01T00:00:00Z")
        let end = try Timestamp.parseISO8601("2026-01-01T00:00:00Z")
        let windows = GenesysAuditWindow.split(service: "Routing", from: start, to: end)
        #expect(windows.count == 12)
        #expect(windows.first?.start == start)
        #expect(windows.last?.end == end)
        for (left, right) in zip(windows, windows.dropFirst()) { #expect(left.end == right.start) }
        #expect(
            windows.allSatisfy { $0.end.millisecondsSinceEpoch - $0.start.millisecondsSinceEpoch <= 31 * 86_400_000 })
        #expect(windows[1].partition(prefix: "backfill") == "backfill:Routing:2025-02-01T00:00:00.000Z")
    }

    func record(id: String, at date: WallInstant) -> JSONObject {
        let value: JSONValue = [
            "id": .string(id), "serviceName": "Routing", "eventDate": .string(date.timestamp.iso8601),
            "user": ["id": "u-1", "name": "Old Olga"], "action": "Update", "entityType": "Queue",
            "entity": ["id": "q-1", "name": "Support"], "level": "USER", "status": "SUCCESS",
        ]
        return value.objectValue!
    }

    @Test func theLiveSourceReadsThroughTheAsyncQueryWhenItsWatermarkIsOlderThanTheRealtimeRetention() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, realtimeRetention: .seconds(14 * 86_400),
                historyPerService: 0),
            clock: clock
        )
        let now = clock.now
        var expected: Set<String> = []
        for day in [40, 33, 20, 15, 2] {
            let id = "old-\(day)"
            org.insert(
                record(id: id, at: now.advanced(by: .seconds(-day * 86_400))), visibleAt: WallInstant(sinceEpoch: .zero)
            )
            expected.insert(id)
        }
        expected.formUnion(org.generate(count: 3))
        let expectedCount = expected.count
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let defaults = GenesysOrgConfiguration()
            let source = try GenesysAuditSource(
                configuration: GenesysAuditSourceConfiguration(
                    name: "genesys", baseURL: url, clientID: defaults.clientID, clientSecret: defaults.clientSecret,
                    services: ["Routing"], pageSize: 50
                ),
                transport: HTTPTransport(), clock: clock
            )
            let watermark = now.advanced(by: .seconds(-45 * 86_400)).timestamp.iso8601
            let intake = InMemoryIntake(checkpoints: ["Routing": watermark])
            let report = try await Self.driving(clock) { try await source.runCycle(into: intake, logger: logger) }
            #expect(report.retryAfter == nil)
            #expect(await intake.eventIDs.count == expectedCount)
            #expect(org.stats.asyncQueries == 2, "45 days back to 13 days back: two windows")
            let checkpoint = try #require(await intake.checkpoints["Routing"])
            #expect(try Timestamp.parseISO8601(checkpoint) >= now.advanced(by: .seconds(-14 * 86_400)).timestamp)
            // The next cycle stays on the realtime query.
            _ = try await source.runCycle(into: intake, logger: logger)
            #expect(org.stats.asyncQueries == 2)
        }
    }

    /// Runs `operation`, advancing the clock whenever something sleeps on it (transaction polls).
    static func driving<T: Sendable>(_ clock: ManualClock, _ operation: @Sendable () async throws -> T) async throws
        -> T
    {
        try await clock.driving(step: .seconds(30), operation)
    }
}
