import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayGenesys
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting
import Synchronization
import Testing

/// `ccrelay backfill` end to end: a year through the asynchronous query into Splunk HEC, on a
/// ManualClock, interrupted twice, with the live source running in between.
@Suite(.timeLimit(.minutes(5))) struct BackfillTests {
    /// Runs a backfill as a child task so a test can cancel it (an operator's Ctrl-C) from its progress callback.
    func backfill(
        _ harness: PipelineHarness, _ runtime: RelayRuntime, _ request: BackfillRequest,
        rateLimitWait: Duration = .seconds(26 * 3600),
        onProgress: @escaping @Sendable (BackfillProgress) -> Bool = { _ in false }
    ) async -> Result<BackfillReport, any Error> {
        var operation = BackfillOperation(runtime: runtime, clock: harness.clock, logger: PipelineHarness.logger)
        operation.maximumRateLimitWait = rateLimitWait
        let configured = operation
        do {
            let report = try await harness.driveClock {
                try await withThrowingTaskGroup(of: BackfillReport.self) { group in
                    group.addTask {
                        try await configured.run(request) { progress in
                            if onProgress(progress) { withUnsafeCurrentTask { $0?.cancel() } }
                        }
                    }
                    return try await group.next()!
                }
            }
            return .success(report)
        } catch {
            return .failure(error)
        }
    }

    @Test func aYearInterruptedTwiceResumesAndDeliversEachRecordOnceWhileTheLiveSourceRuns() async throws {
        let organization = GenesysOrgConfiguration(
            services: ["Routing", "Directory"], latePersistence: .zero ... .zero, historyPerService: 0)
        try await PipelineHarness.with(orgConfiguration: organization) { harness in
            let start = harness.clock.now.timestamp
            for week in 0..<52 {
                harness.org.generate(count: 3)
                if week == 10 { harness.org.generate(count: 1_200) }
                harness.clock.advance(by: .seconds(7 * 86_400))
            }
            harness.org.generate(count: 5)
            let request = BackfillRequest(
                source: "genesys", from: start, to: harness.clock.now.advanced(by: .seconds(1)).timestamp)
            let runtime = try harness.makeRuntime()
            #expect(try await harness.runOnce(runtime).succeeded)

            // Interruption 1: cancelled right after the first full page of the large window (mid-window).
            let first = await backfill(harness, runtime, request) { progress in progress.records >= 500 }
            guard case .failure = first else {
                Issue.record("the first run should have been interrupted")
                return
            }

            harness.org.generate(count: 4)
            #expect(try await harness.runOnce(runtime).succeeded)

            // Interruption 2: the credential's daily limit, longer than this run is willing to wait.
            let limited = Mutex(false)
            let org = harness.org
            let second = await backfill(harness, runtime, request, rateLimitWait: .seconds(60)) { progress in
                if progress.windowsDone == 12, !limited.withLock({ $0 }) {
                    limited.withLock { $0 = true }
                    org.exhaustDailyLimit(retryAfterSeconds: 7_200)
                }
                return false
            }
            guard case .failure(let error) = second else {
                Issue.record("the second run should have stopped at the daily limit")
                return
            }
            #expect((error as? RelayError)?.code == .rateLimited)
            #expect(harness.org.stats.requestsDuringRetryAfter == 0)

            harness.clock.advance(by: .seconds(7_300))
            harness.org.generate(count: 3)
            #expect(try await harness.runOnce(runtime).succeeded)

            let third = try await backfill(harness, runtime, request).get()
            #expect(third.succeeded)
            #expect(third.skippedWindows >= 12)
            #expect(third.progress.windowsTotal == 24)
            #expect(harness.org.stats.asyncQueries == 24, "no window was queried twice")
            _ = try await harness.runOnce(runtime)
            #expect(
                harness.verification
                    == DemoVerification(
                        generated: harness.org.generatedIDs.count, delivered: harness.org.generatedIDs.count,
                        duplicates: 0, missing: 0))
        }
    }

    @Test func backfillingTheSeededMonthPagesByCursorAndDeliversEachRecordOnce() async throws {
        // The default org's seeded history: 3000 records per service over the past 30 days.
        let organization = GenesysOrgConfiguration(services: ["Routing"], latePersistence: .zero ... .zero)
        try await PipelineHarness.with(orgConfiguration: organization) { harness in
            let now = harness.clock.now
            let from = now.advanced(by: .seconds(-30 * 86_400)).timestamp
            let seeded = harness.org.historyIDs(from: from, to: now.timestamp, serviceName: "Routing")
            #expect(seeded.count == 3000)
            let runtime = try harness.makeRuntime()
            let report = try await backfill(
                harness, runtime, BackfillRequest(source: "genesys", from: from, to: now.timestamp, service: "Routing")
            ).get()
            #expect(report.succeeded)
            #expect(harness.org.stats.asyncQueries == 1)
            #expect(harness.org.stats.asyncResultPages == 6, "3000 records at the results' 500 a page")
            // The live source's first cycle re-reads the last hour of the same history: the ledger drops it.
            _ = try await harness.runOnce(runtime)
            let verification = DemoVerification.compare(
                generatedNativeIDs: seeded,
                indexedEventIDs: harness.hec.events.compactMap { $0.fields["event_id"]?.stringValue })
            #expect(verification == DemoVerification(generated: 3000, delivered: 3000, duplicates: 0, missing: 0))
        }
    }

    @Test func aFailedWindowIsReportedAndRetriedByTheNextRun() async throws {
        let organization = GenesysOrgConfiguration(
            services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0)
        try await PipelineHarness.with(orgConfiguration: organization) { harness in
            let start = harness.clock.now.timestamp
            for _ in 0..<8 {
                harness.org.generate(count: 2)
                harness.clock.advance(by: .seconds(5 * 86_400))
            }
            let request = BackfillRequest(
                source: "genesys", from: start, to: harness.clock.now.timestamp, service: "Routing")
            let runtime = try harness.makeRuntime()
            harness.org.failNextAsyncQueries(1, with: .failed)
            let first = try await backfill(harness, runtime, request).get()
            #expect(first.failedWindows.count == 1)
            #expect(first.failedWindows.first?.contains("Failed") == true)
            #expect(!first.succeeded)
            let second = try await backfill(harness, runtime, request).get()
            #expect(second.succeeded)
            #expect(second.skippedWindows == 1)
            #expect(harness.verification.missing == 0)
            #expect(harness.verification.duplicates == 0)
        }
    }
}
