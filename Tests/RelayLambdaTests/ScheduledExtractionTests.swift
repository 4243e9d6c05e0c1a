import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayLambda

/// Scheduled extraction in process: a sandbox Genesys org and HEC, state in memory with the same
/// conditional-write rules as S3, everything on one `ManualClock`.
@Suite struct ScheduledExtractionTests {
    struct Rig: Sendable {
        let clock: ManualClock
        let org: GenesysOrgEmulator
        let hec: SplunkHECEmulator
        let storage: MemorySourceStateStorage
        let handler: ScheduledExtractionHandler

        var indexedIDs: [String] { hec.events.compactMap { $0.fields["event_id"]?.stringValue } }

        /// One invocation whose deadline is `seconds` from now.
        func invoke(deadlineIn seconds: Int64 = 300) async throws -> ExtractionReport {
            try await handler.extract(
                deadline: clock.now.advanced(by: .seconds(seconds)), logger: LambdaFixtures.logger)
        }

        /// Runs `operation`; once the HEC has seen a request (delivery started), each sleeper on the
        /// clock (a retry backoff) is woken by moving time a minute on.
        func drivingDeliveryClock<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        await clock.waitForSleepers(count: 1)
                        if Task.isCancelled { break }
                        if hec.stats.requests > 0 { clock.advance(by: .seconds(61)) }
                        await Task.yield()
                    }
                    return nil
                }
                let result = try await operation()
                group.cancelAll()
                clock.advance(by: .zero)
                return result
            }
        }
    }

    static func with(pageSize: Int = 10, _ body: @Sendable (Rig) async throws -> Void) async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock
        )
        let hec = SplunkHECEmulator(clock: clock)
        try await Sandbox.withRunning(genesys: org, hec: hec, logger: LambdaFixtures.logger) { endpoints in
            let yaml = """
                sources:
                  genesys:
                    type: genesys_audit
                    base_url: \(endpoints.genesysURL)
                    client_id: \(org.configuration.clientID)
                    client_secret: ${GENESYS_SECRET}
                    page_size: \(pageSize)
                    initial_lookback_secs: 3600
                sinks:
                  splunk:
                    type: splunk_hec
                    endpoint: \(endpoints.hecURL)
                    token: ${HEC_TOKEN}
                    index: ccas
                    batch: {max_events: 100, timeout_secs: 1}
                    retry: {max_attempts: 5, initial_backoff_secs: 1, max_backoff_secs: 60}
                """
            let secret = org.configuration.clientSecret
            let interpolation = Interpolation(environment: { name in
                switch name {
                case "GENESYS_SECRET": secret
                case "HEC_TOKEN": SplunkHECConfiguration.defaultToken
                default: nil
                }
            })
            let configuration = try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
            let storage = MemorySourceStateStorage()
            let handler = ScheduledExtractionHandler(
                configuration: ScheduledExtractionConfiguration(
                    safetyMargin: .seconds(10), deliveryReserve: .seconds(30)),
                state: .perSource(storage), clock: clock,
                buildPipeline: LambdaFunction.pipelineBuilder(
                    configuration, clock: clock, logger: LambdaFixtures.logger))
            try await body(Rig(clock: clock, org: org, hec: hec, storage: storage, handler: handler))
        }
    }

    @Test func resumesAcrossInvocationsWithoutLossOrDuplicates() async throws {
        try await Self.with { rig in
            rig.org.generate(count: 25)
            rig.clock.advance(by: .seconds(5))
            let first = try await rig.invoke()
            #expect(first.succeeded)
            #expect(first.sources.first?.checkpoint == .advanced)
            #expect(rig.indexedIDs.count == 25)

            // The next invocation re-reads the look-back overlap: the ledger keeps it out of the index.
            rig.clock.advance(by: .seconds(300))
            rig.org.generate(count: 7)
            rig.clock.advance(by: .seconds(5))
            let second = try await rig.invoke()
            #expect(second.succeeded)
            #expect(rig.indexedIDs.count == 32)
            #expect(Set(rig.indexedIDs).count == 32)
            let stored = try #require(rig.storage.stored(source: "genesys"))
            #expect(stored.state.ledger.count == 32)
            #expect(!stored.state.checkpoints.isEmpty)
        }
    }

    @Test func aRateLimitEndingBeforeThePullStopsIsWaitedOut() async throws {
        try await Self.with { rig in
            rig.org.generate(count: 25)
            rig.clock.advance(by: .seconds(5))
            rig.org.rateLimitNextRequests(1, retryAfterSeconds: 2)
            // The pull's stop timer sleeps throughout; whenever something else sleeps too (the
            // Retry-After wait, a batch timeout), time moves a second.
            let report = try await withThrowingTaskGroup(of: ExtractionReport?.self) { group in
                group.addTask { try await rig.invoke() }
                group.addTask {
                    while !Task.isCancelled {
                        await rig.clock.waitForSleepers(count: 2)
                        if Task.isCancelled { break }
                        rig.clock.advance(by: .seconds(1))
                        await Task.yield()
                    }
                    return nil
                }
                var report: ExtractionReport?
                for try await result in group where result != nil {
                    report = result
                    break
                }
                group.cancelAll()
                rig.clock.advance(by: .zero)
                return try #require(report)
            }
            #expect(report.succeeded)
            #expect(report.sources.first?.cycle == .completed)
            #expect(rig.indexedIDs.count == 25, "the cycle went on after the Retry-After")
            #expect(rig.org.stats.requestsDuringRetryAfter == 0)
        }
    }

    @Test func deadlineDuringDeliveryLeavesTheCheckpointBeforeUndeliveredPages() async throws {
        try await Self.with { rig in
            rig.org.generate(count: 20)
            rig.clock.advance(by: .seconds(5))
            // The HEC is busy for the whole delivery window: retries run past the deadline.
            rig.hec.injectFaults([.busy, .busy, .busy])
            let first = try await rig.drivingDeliveryClock { try await rig.invoke(deadlineIn: 100) }
            #expect(!first.succeeded)
            #expect(first.remaining == 20)
            #expect(first.delivered == 0)
            #expect(rig.indexedIDs.isEmpty)
            // Only partitions without undelivered events moved; those with events stay where they were,
            // and no event is remembered as delivered.
            let stored = rig.storage.stored(source: "genesys")
            #expect(stored?.state.ledger.isEmpty ?? true)
            #expect((stored?.state.checkpoints.count ?? 0) < GenesysOrgConfiguration.defaultServices.count)

            let second = try await rig.invoke()
            #expect(second.succeeded)
            #expect(rig.indexedIDs.count == 20)
            #expect(Set(rig.indexedIDs).count == 20)
            #expect(rig.storage.stored(source: "genesys")?.state.ledger.count == 20)
        }
    }

    @Test func tooLittleTimeLeftDoesNothing() async throws {
        try await Self.with { rig in
            rig.org.generate(count: 5)
            rig.clock.advance(by: .seconds(5))
            let report = try await rig.invoke(deadlineIn: 30)  // less than margin + reserve (40 s)
            #expect(report.skipped != nil)
            #expect(rig.hec.stats.requests == 0)
            #expect(rig.storage.stored(source: "genesys") == nil)
        }
    }

    @Test func overlappingInvocationsCannotBothAdvanceTheState() async throws {
        let storage = MemorySourceStateStorage()
        let read = try await storage.load(source: "genesys")
        let other = try await storage.load(source: "genesys")
        let now = Timestamp(millisecondsSinceEpoch: 0)
        _ = try await storage.save(source: "genesys", state: SourceState(checkpoints: ["a": "1"]), over: read, now: now)
        await #expect(throws: RelayError.self) {
            try await storage.save(
                source: "genesys", state: SourceState(checkpoints: ["a": "2"]), over: other, now: now)
        }
        #expect(storage.stored(source: "genesys")?.state.checkpoints["a"] == "1")
    }
}

/// The frontier rule of the invocation store, without I/O.
@Suite struct InvocationStateStoreTests {
    static func record(_ id: String) -> PendingRecord {
        PendingRecord(
            eventID: id, timestamp: Timestamp(millisecondsSinceEpoch: 1_000), platform: .genesys,
            payload: Array("{}".utf8),
            sinks: ["hec"])
    }

    @Test func checkpointStopsBeforeTheFirstUndeliveredPage() async throws {
        let store = InvocationStateStore(seed: ["src": SourceState(checkpoints: ["p": "0"])])
        let now = WallInstant(sinceEpoch: .seconds(100))
        for page in 1...3 {
            try await store.append(
                [Self.record("e\(page)")], deadLetters: [],
                checkpoint: CheckpointUpdate(source: "src", partition: "p", value: "\(page)"),
                now: now)
        }
        let claimed = try await store.claim(
            sink: "hec", maxEvents: 10, maxBytes: 1 << 20, now: now, leaseUntil: now.advanced(by: .seconds(60)))
        #expect(claimed.count == 3)
        // Pages 1 and 3 delivered, page 2 not: the checkpoint may move to page 1 only.
        try await store.acknowledge(sink: "hec", ids: [claimed[0].id, claimed[2].id])
        let snapshot = await store.snapshot(source: "src", ledgerCutoff: Timestamp(millisecondsSinceEpoch: 0))
        #expect(snapshot.checkpoints["p"] == "1")
        // Delivered events are remembered, so re-reading page 3 does not send e3 again.
        #expect(Set(snapshot.ledger.keys) == ["e1", "e3"])

        try await store.deadLetter(sink: "hec", entries: [claimed[1]], reason: "rejected", attempts: 5, now: now)
        let after = await store.snapshot(source: "src", ledgerCutoff: Timestamp(millisecondsSinceEpoch: 0))
        #expect(after.checkpoints["p"] == "1")
    }
}
