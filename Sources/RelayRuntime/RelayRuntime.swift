import Foundation
import Logging
import RelayAWS
import RelayAlerts
import RelayConfig
import RelayCore
import RelayHTTP
import RelayObservability
import RelayState
import ServiceLifecycle

/// A built pipeline: the state store, the sources and sinks of a configuration wired through the
/// router, and the services that run them. `run` uses ``services()``; `once` and the demo use
/// ``runOnce(deadline:)``.
public struct RelayRuntime: Sendable {
    public let configuration: RelayConfiguration
    /// SQLite, or PostgreSQL when `state.postgres` is configured.
    public let store: any StateStore
    /// This instance's name in partition lease rows; `nil` with a SQLite store (one instance,
    /// no leases).
    public let leaseOwner: String?
    public let telemetry: PipelineTelemetry
    /// Which sinks currently have their credential rejected.
    public let health: SinkHealth
    public let sources: [any PullSource]
    /// Push sources, served on ccrelay's HTTP server.
    public let receivers: [any HTTPReceiver]
    public let sinks: [any Sink]
    /// The push listener (`server.listen`) with every push receiver mounted on its intake and
    /// `/healthz`; `nil` when neither a push source nor a `server:` section is configured.
    public let httpServer: RelayHTTPServer?
    /// The admin listener (`server.admin_listen`): status page, `/metrics`, `/readyz`, dead letters.
    /// Among ``services()``, so it runs whenever the daemon (or the demo) runs, with or without push
    /// sources: an operator can always scrape and check a running ccrelay. `once` does not start it.
    public let adminServer: RelayHTTPServer
    /// What the operator endpoints and the status page read.
    public let observed: ObservedPipeline
    private let router: EventRouter
    private let signal: OutboxSignal
    private let clock: any WallClock
    private let workerConfiguration: SinkWorker.Configuration
    private let logger: Logger

    /// Opens the state store and builds every component. Fails with a `RelayError` naming the part
    /// that could not be built.
    public init(
        configuration: RelayConfiguration,
        clock: any WallClock = SystemClock(),
        transport: HTTPTransport = HTTPTransport(),
        workerConfiguration: SinkWorker.Configuration = SinkWorker.Configuration(),
        metrics: MetricsExporter = MetricsExporter(),
        logger: Logger
    ) throws {
        self.configuration = configuration
        if let postgres = configuration.state.postgres {
            self.store = PostgresStateStore(configuration: postgres, logger: logger)
            self.leaseOwner = Self.makeLeaseOwner()
        } else {
            self.store = try SQLiteStateStore(
                configuration: SQLiteStateConfiguration(path: configuration.state.sqlitePath))
            self.leaseOwner = nil
        }
        self.telemetry = PipelineTelemetry(metricsFactory: metrics.factory)
        self.health = SinkHealth()
        self.router = EventRouter(routes: configuration.routes, taps: Self.detectionTaps(configuration))
        self.signal = OutboxSignal()
        self.clock = clock
        var workerConfiguration = workerConfiguration
        if let claim = configuration.state.outboxClaim { workerConfiguration.lease = claim }
        self.workerConfiguration = workerConfiguration
        self.logger = logger
        configuration.secrets.use(transport: transport, clock: clock, logger: logger)
        var context = BuildContext(transport: transport, clock: clock, store: store, logger: logger)
        // A credential's rate-limit block outlives the process: the next one waits it out first.
        context.throttles = CredentialThrottleRegistry(store: store)
        var pullSources: [any PullSource] = []
        var receivers: [any HTTPReceiver] = []
        for blueprint in configuration.sources {
            // Every request a source's transport sends counts as one of its API calls.
            var sourceContext = context
            let (telemetry, name) = (self.telemetry, blueprint.name)
            sourceContext.transport.observer = { _ in telemetry.recordAPICalls(source: name, count: 1) }
            switch try blueprint.makeSource(sourceContext) {
            case .pull(let source): pullSources.append(source)
            case .push(let receiver): receivers.append(receiver)
            }
        }
        self.sources = pullSources
        self.receivers = receivers
        var sinks = try configuration.sinks.map { try $0.makeSink(context) }
        if let alerts = configuration.alerts, !configuration.detections.isEmpty {
            sinks.append(
                DetectionSink(
                    detections: configuration.detections, alerts: alerts, transport: transport, store: store,
                    clock: clock, metricsFactory: metrics.factory, logger: logger))
        }
        self.sinks = sinks
        let (store, router, signal, telemetry) = (self.store, self.router, self.signal, self.telemetry)
        let mounts = receivers.map { receiver in
            RelayHTTPServer.Mount(
                receiver: receiver,
                intake: Intake(
                    source: receiver.name, store: store, router: router, clock: clock, signal: signal,
                    telemetry: telemetry, redactor: configuration.redaction))
        }
        self.observed = ObservedPipeline(
            sources: pullSources.map { .init(name: $0.name, kind: "pull", feeds: router.sinks(fedBy: $0.name)) }
                + receivers.map { .init(name: $0.name, kind: "push", feeds: router.sinks(fedBy: $0.name)) },
            sinks: sinks.map(\.name), store: store, telemetry: telemetry, health: health, clock: clock,
            metrics: metrics,
            throughput: ThroughputRecorder())
        telemetry.declare(sources: observed.sources.map(\.name), sinks: observed.sinks)
        self.httpServer =
            mounts.isEmpty && !configuration.server.configured
            ? nil : .push(settings: configuration.server, mounts: mounts, logger: logger)
        self.adminServer = .admin(settings: configuration.server, observed: observed, logger: logger)
    }

    /// One tap per detection: the events it matches also enter the detections' outbox.
    private static func detectionTaps(_ configuration: RelayConfiguration) -> [Route] {
        guard configuration.alerts != nil else { return [] }
        return configuration.detections.map {
            Route(
                name: "detection:\($0.name)", from: [], to: [DetectionSink.sinkName], pattern: $0.pattern,
                matcher: $0.matcher)
        }
    }

    /// The intake of the pull or push source named `name` (its routes, the shared outboxes and dedup
    /// ledger), for operations such as a backfill or a re-drive that commit on a source's behalf; nil
    /// when there is none.
    public func intake(forSource name: String) -> Intake? {
        if let source = sources.first(where: { $0.name == name }) { return intake(for: source) }
        guard receivers.contains(where: { $0.name == name }) else { return nil }
        return Intake(
            source: name, store: store, router: router, clock: clock, signal: signal, telemetry: telemetry,
            redactor: configuration.redaction)
    }

    private func intake(for source: any PullSource, lease: LeaseGuard? = nil) -> Intake {
        Intake(
            source: source.name, store: store, router: router, clock: clock, signal: signal, telemetry: telemetry,
            redactor: configuration.redaction, lease: lease)
    }

    /// The lease keeper of a pull source when the store is shared (one lease per source).
    private func leaseKeeper(for source: any PullSource) -> PartitionLeaseKeeper? {
        leaseOwner.map { owner in
            PartitionLeaseKeeper(
                store: store, source: source.name, owner: owner, duration: configuration.state.leaseDuration,
                clock: clock,
                logger: logger)
        }
    }

    private func worker(
        for sink: any Sink, index: Int = 0, gate: SinkGate? = nil, limiter: ConcurrencyLimiter? = nil
    ) -> SinkWorker {
        SinkWorker(
            sink: sink, store: store, clock: clock, signal: signal, telemetry: telemetry, health: health,
            configuration: workerConfiguration, index: index, gate: gate, limiter: limiter, logger: logger
        )
    }

    private func pullService(for source: any PullSource) -> PullSourceService {
        let fed = Set(router.sinks(fedBy: source.name))
        let lease = leaseKeeper(for: source)
        return PullSourceService(
            source: source, intake: intake(for: source, lease: lease?.leaseGuard), clock: clock, telemetry: telemetry,
            health: health, fedSinks: sinks.filter { fed.contains($0.name) }, lease: lease, logger: logger
        )
    }

    /// The daemon's services in start order: the state store, sink workers, the ledger janitor, the
    /// admin listener, the push listener (receivers), then the pull sources, so a graceful shutdown
    /// stops intake first, lets in-flight batches finish, answers operators until late, and stops the
    /// store last.
    public func services() -> [any Service] {
        var services: [any Service] = [store]
        services += sinks.flatMap { sink in
            let gate = SinkGate(recheck: sink.retry.initialBackoff)
            let limiter = ConcurrencyLimiter(batch: sink.batch, recheck: sink.retry.initialBackoff)
            return (0..<sink.batch.workers).map { worker(for: sink, index: $0, gate: gate, limiter: limiter) }
        }
        if configuration.secrets.hasRotatingSecrets {
            services.append(SecretRefreshService(provider: configuration.secrets, clock: clock))
        }
        services.append(
            LedgerJanitor(
                store: store, retention: configuration.state.ledgerRetention,
                deadLetterRetention: configuration.state.deadLetterRetention, clock: clock, logger: logger))
        if let alerts = configuration.alerts {
            services.append(AlertService(configuration: alerts, runtime: self, clock: clock, logger: logger))
        }
        // Receivers start after the sink workers and stop before them; pull sources stop first.
        services.append(ThroughputSampler(pipeline: observed))
        services.append(adminServer)
        if let httpServer { services.append(httpServer) }
        for source in sources {
            services.append(pullService(for: source))
        }
        return services
    }

    /// What one `once` run achieved.
    public struct OnceReport: Sendable, Equatable {
        /// Sources whose cycle failed (their checkpoints did not move past the failure).
        public var failedSources: [String] = []
        /// Sources still held by a rate limit when the deadline came (what they committed stays;
        /// the next run continues from there).
        public var unfinishedSources: [String] = []
        public var delivered = 0
        public var deadLettered = 0
        /// Rows left in outboxes when the deadline passed.
        public var remaining = 0

        /// True when every source's cycle succeeded and finished, and every outbox drained without
        /// dead letters.
        public var succeeded: Bool {
            failedSources.isEmpty && unfinishedSources.isEmpty && remaining == 0 && deadLettered == 0
        }
    }

    /// Runs `body` while the state store runs, for owners without a `ServiceGroup` (`once`,
    /// backfill); call it once per runtime (a PostgreSQL store runs once).
    public func whileRunning<T>(_ body: () async throws -> T) async throws -> T {
        try await store.whileRunning(body)
    }

    /// One extraction cycle for every pull source (concurrently), then delivery until the outboxes
    /// are empty or `deadline` passes. A source stopped by a rate limit waits it out and continues
    /// while the wait ends by `deadline`, else it is reported in ``OnceReport/unfinishedSources``.
    /// Outside a `ServiceGroup`, call it inside ``whileRunning(_:)``.
    public func runOnce(deadline: WallInstant) async throws -> OnceReport {
        var report = OnceReport()
        let outcomes = await withTaskGroup(of: (String, PullSourceService.DeadlineOutcome).self) { group in
            for source in sources {
                let service = pullService(for: source)
                group.addTask { (source.name, await service.runCycles(until: deadline)) }
            }
            var outcomes: [String: PullSourceService.DeadlineOutcome] = [:]
            for await (name, outcome) in group { outcomes[name] = outcome }
            return outcomes
        }
        for source in sources {
            switch outcomes[source.name] {
            case .finished: break
            case .unfinished: report.unfinishedSources.append(source.name)
            case .failed, nil: report.failedSources.append(source.name)
            }
        }
        try await drain(deadline: deadline, into: &report)
        return report
    }

    /// Delivers what waits in every outbox until empty or `deadline`.
    public func drain(deadline: WallInstant) async throws -> OnceReport {
        var report = OnceReport()
        try await drain(deadline: deadline, into: &report)
        return report
    }

    private func drain(deadline: WallInstant, into report: inout OnceReport) async throws {
        for sink in sinks {
            let result = try await worker(for: sink).drain(until: deadline)
            report.delivered += result.delivered
            report.deadLettered += result.deadLettered
            report.remaining += result.remaining
        }
    }

    /// `host:pid:random`: unique per process, readable in the lease table.
    static func makeLeaseOwner() -> String {
        let process = ProcessInfo.processInfo
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(process.hostName):\(process.processIdentifier):\(suffix)"
    }
}
