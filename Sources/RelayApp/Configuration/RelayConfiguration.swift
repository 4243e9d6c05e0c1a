import RelayCore
import RelayGenesys
import RelaySinks

/// Where pipeline state lives (`state:`).
public struct StateSettings: Sendable, Equatable {
    /// SQLite database file (`state.sqlite.path`). Default `ccrelay-state/state.sqlite`.
    public var sqlitePath: String
    /// How long accepted `event_id`s are remembered for dedup (`state.ledger_retention_secs`). Default 7 days.
    public var ledgerRetention: Duration

    public init(sqlitePath: String = "ccrelay-state/state.sqlite", ledgerRetention: Duration = .seconds(7 * 86_400)) {
        self.sqlitePath = sqlitePath
        self.ledgerRetention = ledgerRetention
    }
}

/// A configured source, by `type:`.
public enum SourceSettings: Sendable {
    /// `type: genesys_audit`
    case genesysAudit(GenesysAuditSourceConfiguration)

    public var name: String {
        switch self {
        case .genesysAudit(let configuration): configuration.name
        }
    }
}

/// A configured sink, by `type:`.
public enum SinkSettings: Sendable {
    /// `type: splunk_hec`
    case splunkHEC(SplunkHECSinkConfiguration)

    public var name: String {
        switch self {
        case .splunkHEC(let configuration): configuration.name
        }
    }
}

/// The whole configuration file: `state`, `sources`, `routes`, `sinks`.
public struct RelayConfiguration: Sendable {
    public var state: StateSettings
    public var sources: [SourceSettings]
    /// When the file has no `routes`, one implicit route sends every source to every sink.
    public var routes: [Route]
    public var sinks: [SinkSettings]

    public init(state: StateSettings, sources: [SourceSettings], routes: [Route], sinks: [SinkSettings]) {
        self.state = state
        self.sources = sources
        self.routes = routes
        self.sinks = sinks
    }
}
