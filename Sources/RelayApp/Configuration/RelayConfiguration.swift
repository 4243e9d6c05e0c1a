import Logging
import RelayAWS
import RelayCore
import RelayGenesys
import RelayHTTP
import RelayState

/// Where pipeline state lives (`state:`).
public struct StateSettings: Sendable, Equatable {
    /// SQLite database file (`state.sqlite.path`). Default `ccrelay-state/state.sqlite`.
    public var sqlitePath: String
    /// How long accepted `event_id`s are remembered for dedup (`state.ledger_retention_secs`). Default 7 days.
    public var ledgerRetention: Duration
    /// A PostgreSQL store shared by several instances (`state.postgres`); when set, it is used
    /// instead of SQLite and pull sources are owned through leases. Default `nil` (SQLite).
    public var postgres: PostgresStateConfiguration?
    /// How long a pull source's lease lasts without renewal (`state.lease_secs`); renewed every
    /// third of it, and taken over by another instance this long after its holder died. Default 30 s.
    public var leaseDuration: Duration
    /// How long a sink worker reserves the outbox rows it claimed (`state.outbox_claim_secs`): with
    /// several instances, a dead instance's in-flight batches are delivered by another one after
    /// this. Must outlast a full retry cycle and an acknowledgement timeout. Default `nil` (the
    /// worker's own default, 10 minutes).
    public var outboxClaim: Duration?

    public init(
        sqlitePath: String = "ccrelay-state/state.sqlite", ledgerRetention: Duration = .seconds(7 * 86_400),
        postgres: PostgresStateConfiguration? = nil, leaseDuration: Duration = .seconds(30), outboxClaim: Duration? = nil
    ) {
        self.sqlitePath = sqlitePath
        self.ledgerRetention = ledgerRetention
        self.postgres = postgres
        self.leaseDuration = leaseDuration
        self.outboxClaim = outboxClaim
    }
}

/// What components need to be built: shared outbound HTTP, the clock, a logger, the state store.
public struct BuildContext: Sendable {
    public var transport: HTTPTransport
    public var clock: any WallClock
    public var store: any StateStore
    public var logger: Logger
    /// Rate-limit state per platform credential (Genesys client, CXone access key), shared by every
    /// component built with this context.
    public var throttles = CredentialThrottleRegistry()
}

/// A configured source (one `sources.NAME` block), ready to be built.
public protocol SourceBlueprint: Sendable {
    var name: String { get }
    /// Builds the running part; pull sources are scheduled by the runtime, push sources register
    /// HTTP routes on ccrelay's server.
    func makeSource(_ context: BuildContext) throws -> BuiltSource
}

/// A built source.
public enum BuiltSource: Sendable {
    case pull(any PullSource)
    case push(any HTTPReceiver)
}

/// A configured sink (one `sinks.NAME` block), ready to be built.
public protocol SinkBlueprint: Sendable {
    var name: String { get }
    /// Other sinks this one hands events to (by option key), checked to exist. Default none.
    var referencedSinks: [(key: String, sink: String)] { get }
    func makeSink(_ context: BuildContext) throws -> any Sink
}

extension SinkBlueprint {
    public var referencedSinks: [(key: String, sink: String)] { [] }
}

/// The whole configuration file: `state`, `sources`, `routes`, `sinks`, `alerts`.
public struct RelayConfiguration: Sendable {
    public var state: StateSettings
    public var sources: [any SourceBlueprint]
    /// When the file has no `routes`, one implicit route sends every source to every sink.
    public var routes: [Route]
    public var sinks: [any SinkBlueprint]
    /// The `alerts:` section; `nil` (the default) when the file has none: no alerts are sent.
    public var alerts: AlertsConfiguration?
    /// Fields hashed or dropped before any sink sees an event (`redaction:`); `nil` when none.
    public var redaction: Redactor?
    /// ccrelay's HTTP server (`server:`), started only when a push source is configured. Default
    /// `listen: 127.0.0.1:8080`.
    public var server = ServerSettings()
    /// Every secret the file references (`${env:...}`, `${file:...}`, `${aws-secretsmanager:...}`),
    /// held in memory and kept current; `secrets:` settings. Default: none.
    public var secrets = SecretProvider()

    public init(
        state: StateSettings, sources: [any SourceBlueprint], routes: [Route], sinks: [any SinkBlueprint],
        alerts: AlertsConfiguration? = nil
    ) {
        self.state = state
        self.sources = sources
        self.routes = routes
        self.sinks = sinks
        self.alerts = alerts
    }
}
