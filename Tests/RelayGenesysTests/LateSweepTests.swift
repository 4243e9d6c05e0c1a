import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayGenesys

/// The late-record sweep: a record the org persists 20 minutes after its eventDate (beyond the
/// 5-minute look-back) reaches the intake only through the sweep, and counts as out of order.
@Suite struct GenesysLateSweepTests {
    let logger = Logger.quiet("ccrelay.test.genesys.sweep")

    struct Outcome {
        var eventIDs: Set<String>
        var outOfOrder: Int
        var checkpoints: [String]
    }

    /// Generates three records (the first persisted 20 minutes late) and runs a cycle every minute
    /// for 30 minutes.
    func run(lateSweepInterval: Duration) async throws -> (ids: [String], outcome: Outcome) {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, veryLatePersistence: .seconds(1200),
                veryLateEvery: 3, historyPerService: 0),
            clock: clock)
        let ids = org.generate(count: 3)
        clock.advance(by: .seconds(1))
        return try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let source = try GenesysAuditSource(
                configuration: GenesysAuditSourceConfiguration(
                    name: "genesys", baseURL: url, clientID: org.configuration.clientID,
                    clientSecret: org.configuration.clientSecret, services: ["Routing"],
                    lateSweepInterval: lateSweepInterval),
                transport: HTTPTransport(), clock: clock)
            let intake = InMemoryIntake()
            var outcome = Outcome(eventIDs: [], outOfOrder: 0, checkpoints: [])
            for _ in 0..<30 {
                let report = try await source.runCycle(into: intake, logger: logger)
                outcome.outOfOrder += report.outOfOrder
                outcome.checkpoints.append(await intake.checkpoints["Routing"] ?? "")
                clock.advance(by: .seconds(60))
            }
            outcome.eventIDs = await intake.eventIDs
            return (ids, outcome)
        }
    }

    @Test func theSweepDeliversARecordPersistedLaterThanTheLookbackAndCountsIt() async throws {
        let (ids, outcome) = try await run(lateSweepInterval: .seconds(600))
        #expect(outcome.eventIDs == Set(ids.map { EventID.make(platform: .genesys, nativeID: $0) }))
        #expect(outcome.outOfOrder == 1)
        // The sweep never moves the cursor backwards.
        let instants = try outcome.checkpoints.map { try Timestamp.parseISO8601($0) }
        #expect(zip(instants, instants.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func withoutTheSweepTheLateRecordIsLost() async throws {
        let (ids, outcome) = try await run(lateSweepInterval: .zero)
        #expect(!outcome.eventIDs.contains(EventID.make(platform: .genesys, nativeID: ids[0])))
        #expect(outcome.eventIDs.count == 2)
        #expect(outcome.outOfOrder == 0)
    }

    @Test func aSweepIsDueOnceEveryInterval() {
        let schedule = GenesysLateSweepSchedule()
        let start = ManualClock().now
        #expect(!schedule.isDue("Routing", now: start, interval: .seconds(600)))
        #expect(!schedule.isDue("Routing", now: start.advanced(by: .seconds(599)), interval: .seconds(600)))
        let due = start.advanced(by: .seconds(600))
        #expect(schedule.isDue("Routing", now: due, interval: .seconds(600)))
        schedule.markDone("Routing", at: due)
        #expect(!schedule.isDue("Routing", now: due.advanced(by: .seconds(599)), interval: .seconds(600)))
        #expect(!schedule.isDue("Directory", now: start, interval: .zero))
    }

    @Test func sweepSettingsAreValidated() {
        let configuration = GenesysAuditSourceConfiguration(
            clientID: "c", clientSecret: "s", lookback: .seconds(300), lateSweepWindow: .seconds(300))
        #expect(configuration.problems() == ["late_sweep_window_secs: must be longer than lookback_secs"])
        let disabled = GenesysAuditSourceConfiguration(
            clientID: "c", clientSecret: "s", lateSweepInterval: .zero, lateSweepWindow: .seconds(60))
        #expect(disabled.problems().isEmpty)
    }
}
