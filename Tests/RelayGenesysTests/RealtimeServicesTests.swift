import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayGenesys

/// The realtime service list, a service the platform refuses, and transient 5xx, against the
/// Genesys org emulator over HTTP (time on a ManualClock).
@Suite struct GenesysRealtimeServicesTests {
    let logger = Logger.quiet("ccrelay.test.genesys")
    /// Realtime and asynchronous lists differ: Quality is served only by the asynchronous query.
    let org = GenesysOrgConfiguration(
        services: ["Routing", "Directory"], asyncOnlyServices: ["Quality"], latePersistence: .zero ... .zero,
        historyPerService: 0)

    func source(_ baseURL: String, clock: ManualClock, services: [String]? = nil) throws -> GenesysAuditSource {
        try GenesysAuditSource(
            configuration: GenesysAuditSourceConfiguration(
                name: "genesys", baseURL: baseURL, clientID: org.clientID, clientSecret: org.clientSecret,
                services: services
            ),
            transport: HTTPTransport(), clock: clock
        )
    }

    func record(_ id: String, service: String, at date: WallInstant) -> JSONObject {
        let value: JSONValue = [
            "id": .string(id), "serviceName": .string(service), "eventDate": .string(date.timestamp.iso8601),
            "user": ["id": "u-1", "name": "Ann"], "action": "Update", "entityType": "Queue",
            "entity": ["id": "q-1", "name": "Support"], "level": "USER", "status": "SUCCESS",
        ]
        return value.objectValue!
    }

    func ids(_ natives: [String]) -> Set<String> {
        Set(natives.map { EventID.make(platform: .genesys, nativeID: $0) })
    }

    @Test func theRealtimeMappingIsTheOneUsedAndDiffersFromTheAsynchronousOne() async throws {
        let clock = ManualClock()
        let emulator = GenesysOrgEmulator(configuration: org, clock: clock)
        emulator.insert(record("r-1", service: "Routing", at: clock.now), visibleAt: clock.now)
        emulator.insert(record("d-1", service: "Directory", at: clock.now), visibleAt: clock.now)
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: emulator, logger: logger) { url in
            let source = try source(url, clock: clock)
            #expect(try await source.realtimeServiceNames() == ["Routing", "Directory"])
            #expect(try await source.serviceNames() == ["Routing", "Directory", "Quality"])
            let intake = InMemoryIntake()
            let report = try await source.runCycle(into: intake, logger: logger)
            #expect(report.failedPartitions.isEmpty)
            #expect(await intake.eventIDs == ids(["r-1", "d-1"]))
            #expect(await Set(intake.checkpoints.keys) == ["Routing", "Directory"])
        }
    }

    @Test func aServiceAnswered400DoesNotStopTheOthersThisCycleOrTheNext() async throws {
        let clock = ManualClock()
        let emulator = GenesysOrgEmulator(configuration: org, clock: clock)
        emulator.insert(record("r-1", service: "Routing", at: clock.now), visibleAt: clock.now)
        emulator.insert(record("d-1", service: "Directory", at: clock.now), visibleAt: clock.now)
        clock.advance(by: .seconds(1))
        let qualityCheckpoint = clock.now.advanced(by: .seconds(-600)).timestamp.iso8601
        try await Sandbox.withRunning(genesys: emulator, logger: logger) { url in
            // Configured by hand with a name the realtime query does not serve, listed before Directory.
            let source = try source(url, clock: clock, services: ["Routing", "Quality", "Directory"])
            let intake = InMemoryIntake(checkpoints: ["Quality": qualityCheckpoint])
            let logs = RecordingLogs()
            let report = try await source.runCycle(into: intake, logger: logs.logger)
            #expect(Array(report.failedPartitions.keys) == ["Quality"])
            #expect(report.failedPartitions["Quality"]?.contains("status 400") == true)
            #expect(await intake.eventIDs == ids(["r-1", "d-1"]))
            #expect(await intake.checkpoints["Quality"] == qualityCheckpoint)
            #expect(await intake.checkpoints["Directory"] == clock.now.timestamp.iso8601)
            #expect(logs.warnings.count == 1)
            #expect(logs.warnings.first?.contains("ccrelay.partition=Quality") == true)

            emulator.insert(record("d-2", service: "Directory", at: clock.now), visibleAt: clock.now)
            clock.advance(by: .seconds(60))
            let next = try await source.runCycle(into: intake, logger: logger)
            #expect(Array(next.failedPartitions.keys) == ["Quality"])
            #expect(next.accepted == 1)
            #expect(await intake.eventIDs == ids(["r-1", "d-1", "d-2"]))
            #expect(await intake.checkpoints["Quality"] == qualityCheckpoint)
        }
    }

    @Test func injected5xxAreRetriedAsTransientAndTheCycleRecovers() async throws {
        let clock = ManualClock()
        let emulator = GenesysOrgEmulator(configuration: org, clock: clock)
        emulator.insert(record("r-1", service: "Routing", at: clock.now), visibleAt: clock.now)
        emulator.insert(record("d-1", service: "Directory", at: clock.now), visibleAt: clock.now)
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: emulator, logger: logger) { url in
            // Through the sandbox's fault knobs, as a chaos run would: 502, 503, 504 in a row.
            let knobs: JSONValue = ["bad_gateway": 1, "service_unavailable": 1, "gateway_timeout": 1]
            let applied = try await HTTPTransport().send(
                OutboundRequest(
                    method: "POST", url: url + "/_sandbox/faults", headers: [("Content-Type", "application/json")],
                    body: JSONWriter.encode(knobs)))
            #expect(applied.status == 200)
            let source = try source(url, clock: clock, services: ["Routing", "Directory"])
            let intake = InMemoryIntake()
            let report = try await withThrowingTaskGroup(of: CycleReport?.self) { group in
                group.addTask { try await source.runCycle(into: intake, logger: logger) }
                group.addTask {
                    for _ in 0..<3 {
                        await clock.waitForSleepers(count: 1)
                        clock.advance(by: .seconds(30))
                    }
                    return nil
                }
                var report: CycleReport?
                for try await result in group where result != nil { report = result }
                return try #require(report)
            }
            #expect(report.failedPartitions.isEmpty)
            #expect(report.accepted == 2)
            #expect(await intake.eventIDs == ids(["r-1", "d-1"]))
            #expect(emulator.stats.transientFailures == 3)
        }
    }

    @Test func a5xxThatOutlastsTheRetriesEndsTheCycleWithoutIsolatingTheService() async throws {
        let clock = ManualClock()
        let emulator = GenesysOrgEmulator(configuration: org, clock: clock)
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: emulator, logger: logger) { url in
            emulator.failNextRequests(4, status: 503)
            let source = try source(url, clock: clock, services: ["Routing", "Directory"])
            let intake = InMemoryIntake()
            await #expect {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { _ = try await source.runCycle(into: intake, logger: logger) }
                    for _ in 0..<3 {
                        await clock.waitForSleepers(count: 1)
                        clock.advance(by: .seconds(30))
                    }
                    try await group.waitForAll()
                }
            } throws: { error in
                (error as? RelayError)?.code == .httpStatus
            }
            #expect(await intake.commits.isEmpty)
            #expect(emulator.stats.transientFailures == 4)
        }
    }

    @Test func aRefusedServiceIsNamedInTheSourcesHealthAndCountedPerCycle() async throws {
        let clock = ManualClock()
        let emulator = GenesysOrgEmulator(configuration: org, clock: clock)
        clock.advance(by: .seconds(1))
        try await Sandbox.withRunning(genesys: emulator, logger: logger) { url in
            let source = try source(url, clock: clock, services: ["Quality", "Routing"])
            let telemetry = PipelineTelemetry()
            let service = PullSourceService(
                source: source, intake: InMemoryIntake(), clock: clock, telemetry: telemetry, health: SinkHealth(),
                fedSinks: [], logger: logger)
            #expect(await service.runOneCycle() != nil)
            let counters = telemetry.source("genesys")
            #expect(counters.consecutiveFailures == 0)
            #expect(Array(counters.failingPartitions.keys) == ["Quality"])
            #expect(
                counters.partitionFailureSummary?.hasPrefix("service Quality: POST /api/v2/audits/query/realtime")
                    == true)
        }
    }
}
