import Logging
import RelayCore

/// One extraction cycle per invocation (an EventBridge Scheduler schedule): every pull source runs
/// one cycle, its events are delivered before the invocation's deadline minus a safety margin, and
/// each source's checkpoint is stored so that nothing undelivered is ever passed (see
/// ``ExtractionState``). When too little time is left the invocation does nothing and says so.
/// An invocation that could not finish (a failed cycle, events left, a lost conditional write)
/// answers through `/error` with type `ExtractionIncomplete`; the next one resumes.
public struct ScheduledExtractionHandler: LambdaHandler {
    /// Builds the sources, sinks and routes against the invocation's store.
    public typealias PipelineBuilder = @Sendable (any StateStore) throws -> ExtractionPipeline

    private let configuration: ScheduledExtractionConfiguration
    private let state: ExtractionState
    private let clock: any WallClock
    private let buildPipeline: PipelineBuilder

    public init(
        configuration: ScheduledExtractionConfiguration, state: ExtractionState, clock: any WallClock,
        buildPipeline: @escaping PipelineBuilder
    ) {
        self.configuration = configuration
        self.state = state
        self.clock = clock
        self.buildPipeline = buildPipeline
    }

    public func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> [UInt8] {
        let report = try await extract(deadline: invocation.deadline, logger: logger)
        guard report.succeeded || report.skipped != nil else {
            throw LambdaFunctionError(type: "ExtractionIncomplete", message: report.summary)
        }
        return report.json
    }

    /// Runs one extraction against `deadline`.
    public func extract(deadline: WallInstant, logger: Logger) async throws -> ExtractionReport {
        var report = ExtractionReport()
        let stopDelivery = deadline.advanced(by: .zero - configuration.safetyMargin)
        let stopPull = stopDelivery.advanced(by: .zero - configuration.deliveryReserve)
        guard clock.now < stopPull else {
            report.skipped =
                "deadline too close: less than safety_margin_secs + delivery_reserve_secs "
                + "(\(Int((configuration.safetyMargin + configuration.deliveryReserve).seconds)) s) left"
            logger.warning(
                "Extraction skipped: the invocation's deadline is too close",
                metadata: ["ccrelay.deadline": "\(deadline)"])
            return report
        }
        switch state {
        case .store(let makeStore):
            let store = makeStore()
            report = try await store.whileRunning { [report] in
                var report = report
                let pipeline = try buildPipeline(store)
                try await run(
                    pipeline, store: store, stopPull: stopPull, stopDelivery: stopDelivery, logger: logger,
                    into: &report)
                for index in report.sources.indices { report.sources[index].checkpoint = .committed }
                return report
            }
        case .perSource(let storage):
            let store = InvocationStateStore(seed: [:])
            let pipeline = try buildPipeline(store)
            var versions: [String: VersionedSourceState] = [:]
            for source in pipeline.sources {
                versions[source.name] = try await storage.load(source: source.name)
            }
            await store.seed(versions.mapValues(\.state))
            try await run(
                pipeline, store: store, stopPull: stopPull, stopDelivery: stopDelivery, logger: logger, into: &report)
            report.remaining = await store.undeliveredCount
            let cutoff = clock.now.advanced(by: .zero - configuration.ledgerRetention).timestamp
            for index in report.sources.indices {
                let name = report.sources[index].name
                guard let version = versions[name] else { continue }
                let snapshot = await store.snapshot(source: name, ledgerCutoff: cutoff)
                report.sources[index].checkpoint = await save(
                    snapshot, source: name, over: version, store: storage, logger: logger)
            }
        }
        logger.info(
            "Scheduled extraction finished",
            metadata: [
                "ccrelay.delivered": "\(report.delivered)", "ccrelay.remaining": "\(report.remaining)",
                "ccrelay.dead_lettered": "\(report.deadLettered)",
            ])
        return report
    }

    private func run(
        _ pipeline: ExtractionPipeline, store: any StateStore, stopPull: WallInstant, stopDelivery: WallInstant,
        logger: Logger, into report: inout ExtractionReport
    ) async throws {
        let telemetry = PipelineTelemetry()
        let health = SinkHealth()
        let signal = OutboxSignal()
        for source in pipeline.sources {
            let fed = Set(pipeline.router.sinks(fedBy: source.name))
            let intake = Intake(
                source: source.name, store: store, router: pipeline.router, clock: clock, signal: signal,
                telemetry: telemetry, redactor: pipeline.redactor)
            let service = PullSourceService(
                source: source, intake: intake, clock: clock, telemetry: telemetry, health: health,
                fedSinks: pipeline.sinks.filter { fed.contains($0.name) }, logger: logger)
            let cycle = await runCycle(service, until: stopPull)
            let accepted = telemetry.source(source.name).accepted
            report.sources.append(
                ExtractionReport.Source(name: source.name, cycle: cycle, checkpoint: .unchanged, accepted: accepted))
        }
        for sink in pipeline.sinks {
            let worker = SinkWorker(
                sink: sink, store: store, clock: clock, signal: signal, telemetry: telemetry, health: health,
                configuration: configuration.worker, logger: logger)
            let result = try await worker.drain(until: stopDelivery)
            report.delivered += result.delivered
            report.deadLettered += result.deadLettered
            report.remaining += result.remaining
        }
    }

    /// The source's cycles until one ends without a rate limit, cancelled at `until` so delivery
    /// keeps its reserved time.
    private func runCycle(_ service: PullSourceService, until: WallInstant) async -> ExtractionReport.Cycle {
        let clock = self.clock
        return await withTaskGroup(of: ExtractionReport.Cycle?.self) { group in
            // A rate limit that ends before `until` is waited out, as `ccrelay once` does.
            group.addTask {
                switch await service.runCycles(until: until) {
                case .finished: .completed
                case .failed: .failed
                case .unfinished: .stopped
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(until: until, tolerance: nil)
                    return .stopped
                } catch {
                    return nil
                }
            }
            var outcome: ExtractionReport.Cycle = .failed
            for await result in group {
                guard let result else { continue }
                outcome = result
                group.cancelAll()
                break
            }
            return outcome
        }
    }

    private func save(
        _ snapshot: SourceState, source: String, over version: VersionedSourceState, store: any SourceStateStorage,
        logger: Logger
    ) async -> ExtractionReport.Checkpoint {
        guard snapshot != version.state else { return .unchanged }
        do {
            _ = try await store.save(source: source, state: snapshot, over: version, now: clock.now.timestamp)
            return .advanced
        } catch let error where error.code == .stateConflict {
            logger.warning(
                "Checkpoint not stored: another invocation changed the state first",
                metadata: ["ccrelay.source": "\(source)", "ccrelay.error": "\(error.message)"])
            return .conflict
        } catch {
            logger.error(
                "Checkpoint not stored; the next invocation re-reads from the previous one",
                metadata: ["ccrelay.source": "\(source)", "ccrelay.error": "\(error.message)"])
            return .failed
        }
    }
}
