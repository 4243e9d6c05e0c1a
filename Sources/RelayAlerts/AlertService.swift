import Logging
import RelayCore
import RelayHTTP
import ServiceLifecycle

/// Watches the pipeline on `evaluate_interval_secs` and tells every alert target when an outage
/// starts and when it ends: dead letters created, a destination rejecting a sink's credential, a
/// source failing for longer than `source_failing_secs`, an outbox older than `outbox_age_secs`,
/// a sink's acknowledgement polls failing several times in a row.
///
/// Deciding is the pure ``AlertStateMachine``; this service observes, feeds it, and hands each
/// alert to one queue per target. Each target's queue is sent in order by its own child task, so
/// a slow or failing target delays neither the others nor the next evaluation, and never the
/// pipeline. A queue keeps the newest ``queueLimit`` alerts when a target falls far behind.
public struct AlertService: Service {
    /// Alerts kept per target while it is failing; older ones are dropped first.
    public static let queueLimit = 100

    private let configuration: AlertsConfiguration
    private let senders: [AlertSender]
    private let clock: any WallClock
    private let logger: Logger
    private let observer: AlertObserver

    /// - Parameters:
    ///   - sinks: names of the configured sinks.
    ///   - sources: names of every configured source (dead letters of records that never normalized).
    ///   - pullSources: names of the sources that run extraction cycles (which can fail).
    public init(
        configuration: AlertsConfiguration,
        sinks: [String],
        sources: [String],
        pullSources: [String],
        store: any StateStore,
        telemetry: PipelineTelemetry,
        health: SinkHealth,
        clock: any WallClock,
        transport: HTTPTransport = HTTPTransport(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.senders = configuration.targets.map {
            AlertSender(target: $0, configuration: configuration, transport: transport, clock: clock, logger: logger)
        }
        self.observer = AlertObserver(
            sinks: sinks, sources: sources, pullSources: pullSources, store: store, telemetry: telemetry,
            health: health,
            outboxAgeLimit: configuration.outboxAgeLimit
        )
    }

    /// Evaluates at once and then every interval until graceful shutdown; alerts already queued
    /// are still attempted (a backoff interrupted by the shutdown drops its alert).
    public func run() async throws {
        let queues = senders.map { _ in
            AsyncStream.makeStream(of: AlertNotification.self, bufferingPolicy: .bufferingNewest(Self.queueLimit))
        }
        await withDiscardingTaskGroup { group in
            for (sender, queue) in zip(senders, queues) {
                group.addTask {
                    for await notification in queue.stream { await sender.deliver(notification) }
                }
            }
            await evaluateUntilShutdown { notification in
                for queue in queues { queue.continuation.yield(notification) }
            }
            for queue in queues { queue.continuation.finish() }
        }
    }

    private func evaluateUntilShutdown(_ enqueue: (AlertNotification) -> Void) async {
        var machine = AlertStateMachine(configuration: configuration)
        var observer = observer
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let now = clock.now
            let observations = await observer.observe(now: now)
            for action in machine.evaluate(observations, at: now) {
                let notification = action.notification
                let metadata: Logger.Metadata = [
                    "ccrelay.alert": "\(notification.condition.key)",
                    "ccrelay.alert_message": "\(notification.message)",
                ]
                switch action {
                case .fire: logger.warning("Alert firing", metadata: metadata)
                case .resolve: logger.notice("Alert resolved", metadata: metadata)
                }
                enqueue(notification)
            }
            let wakeAt = now.advanced(by: configuration.evaluateInterval)
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(until: wakeAt, tolerance: nil) }
            } catch {
                return
            }
        }
    }
}
