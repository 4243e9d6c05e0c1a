import RelayAlerts
import RelayConfig
import RelayCore
import RelayLambda
import RelayState

/// The whole configuration file: `state`, `sources`, `routes`, `sinks`, `alerts`.
public struct RelayConfiguration: Sendable {
    public var state: StateConfiguration
    public var sources: [any SourceBlueprint]
    /// When the file has no `routes`, one implicit route sends every source to every sink.
    public var routes: [Route]
    public var sinks: [any SinkBlueprint]
    /// The `alerts:` section; `nil` (the default) when the file has none: no alerts are sent.
    public var alerts: AlertsConfiguration?
    /// The `detections:` section: event patterns that raise alerts at `alerts` targets. Default: none.
    public var detections: [Detection] = []
    /// Fields hashed or dropped before any sink sees an event (`redaction:`); `nil` when none.
    public var redaction: Redactor?
    /// ccrelay's two HTTP listeners (`server:`): push (`listen`, default `127.0.0.1:8080`, started
    /// with a push source or a `server:` section) and admin (`admin_listen`, default `127.0.0.1:8081`).
    public var server = ServerConfiguration()
    /// The `lambda:` section, when the file has one. `ccrelay lambda` reads it itself; `ccrelay
    /// generate` reads the Firehose transformation's Splunk envelope from it. Default `nil`.
    public var lambda: LambdaConfiguration?
    /// Every secret the file references (`${env:...}`, `${file:...}`, `${aws-secretsmanager:...}`),
    /// held in memory and kept current; `secrets:` settings. Default: none.
    public var secrets = SecretProvider()
    /// Risky but valid settings found while reading the file (each with its YAML path), which
    /// `ccrelay validate` prints and the daemon logs at warning. Default: none.
    public var warnings: [ConfigProblem] = []

    public init(
        state: StateConfiguration, sources: [any SourceBlueprint], routes: [Route], sinks: [any SinkBlueprint],
        alerts: AlertsConfiguration? = nil
    ) {
        self.state = state
        self.sources = sources
        self.routes = routes
        self.sinks = sinks
        self.alerts = alerts
    }
}
