import Logging
import RelayAlerts
import RelayCore
import RelayHTTP

extension AlertService {
    /// The alert service of a built pipeline.
    public init(
        configuration: AlertsConfiguration, runtime: RelayRuntime, clock: any WallClock,
        transport: HTTPTransport = HTTPTransport(), logger: Logger
    ) {
        self.init(
            configuration: configuration,
            sinks: runtime.sinks.map(\.name),
            sources: runtime.configuration.sources.map(\.name),
            pullSources: runtime.sources.map(\.name),
            store: runtime.store,
            telemetry: runtime.telemetry,
            health: runtime.health,
            clock: clock,
            transport: transport,
            logger: logger
        )
    }
}
