import Logging
import RelayCore
import RelayState
import RelayTesting
import Synchronization
import Testing

/// The pull side honouring partition leases, on a manual clock: a source runs only while its
/// instance holds the lease, a lapsed lease is taken over, a graceful stop hands it over at once.
@Suite("Pull sources under partition leases")
struct LeasedPullTests {
    /// Commits a checkpoint-only page per cycle, counting cycles.
    final class CountingSource: PullSource {
        let name = "genesys"
        let pollInterval: Duration = .seconds(5)
        let cycles = Mutex(0)

        func runCycle(into intake: any SourceSender, logger: Logger) async throws -> CycleReport {
            let count = cycles.withLock { value in
                value += 1
                return value
            }
            try await intake.commit(partition: "Routing", events: [], malformed: [], checkpoint: "cycle-\(count)")
            return CycleReport(pages: 1)
        }
    }

    static func service(_ source: CountingSource, store: any StateStore, owner: String, clock: ManualClock) -> (
        PullSourceService, PartitionLeaseKeeper
    ) {
        let logger = Logger.quiet("ccrelay.tests.lease")
        let keeper = PartitionLeaseKeeper(
            store: store, source: source.name, owner: owner, duration: .seconds(30), clock: clock, logger: logger)
        let intake = Intake(
            source: source.name, store: store, router: EventRouter(routes: []), clock: clock, signal: OutboxSignal(),
            telemetry: PipelineTelemetry(), lease: keeper.leaseGuard)
        let service = PullSourceService(
            source: source, intake: intake, clock: clock, telemetry: PipelineTelemetry(), health: SinkHealth(),
            fedSinks: [],
            lease: keeper, logger: logger)
        return (service, keeper)
    }

    @Test("a dead holder's source is pulled by the next instance once its lease lapses, and not before")
    func takeOverAfterTheLeaseLapses() async throws {
        try await withStore(.sqlite) { (subject) async throws in
            let store = subject.store
            let clock = ManualClock(start: t0)
            // An instance that took the lease and died without releasing it.
            #expect(
                try await store.acquireLease(
                    source: "genesys", partition: "*", owner: "dead", until: t0.advanced(by: .seconds(30)), now: t0))

            let source = CountingSource()
            let (service, keeper) = Self.service(source, store: store, owner: "alive", clock: clock)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                // Its poll loop and lease keeper both wait on the clock while it does not hold the lease.
                for _ in 0..<29 {
                    await clock.waitForSleepers(count: 2)
                    clock.advance(by: .seconds(1))
                }
                await clock.waitForSleepers(count: 2)
                #expect(source.cycles.withLock { $0 } == 0)
                #expect(try await store.checkpoint(source: "genesys", partition: "Routing") == nil)

                // At the lease's end it is taken over and the source runs.
                clock.advance(by: .seconds(1))
                for _ in 0..<3 {
                    await clock.waitForSleepers(count: 2)
                    clock.advance(by: .seconds(1))
                }
                await clock.waitForSleepers(count: 2)
                #expect(source.cycles.withLock { $0 } == 1)
                #expect(keeper.isHeld)
                #expect(try await store.lease(source: "genesys", partition: "*")?.owner == "alive")
                #expect(try await store.checkpoint(source: "genesys", partition: "Routing") == "cycle-1")

                // The dead instance's late commit moves nothing.
                let stale = await #expect(throws: RelayError.self) {
                    try await store.append(
                        [], deadLetters: [],
                        checkpoint: CheckpointUpdate(source: "genesys", partition: "Routing", value: "stale"),
                        lease: LeaseGuard(source: "genesys", partition: "*", owner: "dead"), now: clock.now)
                }
                #expect(stale?.code == .leaseLost)
                #expect(try await store.checkpoint(source: "genesys", partition: "Routing") == "cycle-1")

                // Renewed every third of the lease: still held long after the first 30 s.
                for _ in 0..<60 {
                    await clock.waitForSleepers(count: 2)
                    clock.advance(by: .seconds(1))
                }
                await clock.waitForSleepers(count: 2)
                #expect(keeper.isHeld)
                #expect(source.cycles.withLock { $0 } >= 12)

                // Stopping hands the lease over at once.
                group.cancelAll()
                try await group.waitForAll()
            }
            #expect(try await store.lease(source: "genesys", partition: "*") == nil)
        }
    }

    @Test("two instances: only the holder pulls; once it stops, the other takes over")
    func onlyTheHolderPulls() async throws {
        try await withStore(.sqlite) { (subject) async throws in
            let store = subject.store
            let clock = ManualClock(start: t0)
            let first = CountingSource()
            let second = CountingSource()
            let (firstService, _) = Self.service(first, store: store, owner: "first", clock: clock)
            let (secondService, secondKeeper) = Self.service(second, store: store, owner: "second", clock: clock)
            try await withThrowingTaskGroup(of: Void.self) { outer in
                let firstTask = Task { try await firstService.run() }
                await clock.waitForSleepers(count: 2)
                #expect(first.cycles.withLock { $0 } == 1)
                outer.addTask { try await secondService.run() }
                for _ in 0..<20 {
                    await clock.waitForSleepers(count: 4)
                    clock.advance(by: .seconds(1))
                }
                await clock.waitForSleepers(count: 4)
                #expect(first.cycles.withLock { $0 } == 5)
                #expect(second.cycles.withLock { $0 } == 0)

                firstTask.cancel()
                try await firstTask.value
                for _ in 0..<2 {
                    await clock.waitForSleepers(count: 2)
                    clock.advance(by: .seconds(1))
                }
                await clock.waitForSleepers(count: 2)
                #expect(secondKeeper.isHeld)
                #expect(second.cycles.withLock { $0 } == 1)
                outer.cancelAll()
                try await outer.waitForAll()
            }
        }
    }
}
