import RelayCore

/// Where pipeline state lives (`state:`).
public struct StateConfiguration: Sendable, Equatable {
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
    /// How long dead letters are kept before the janitor deletes them
    /// (`state.dead_letter_retention_secs`; `0` keeps them until `ccrelay dlq purge`). Default 30 days.
    public var deadLetterRetention: Duration?

    public init(
        sqlitePath: String = "ccrelay-state/state.sqlite", ledgerRetention: Duration = .seconds(7 * 86_400),
        postgres: PostgresStateConfiguration? = nil, leaseDuration: Duration = .seconds(30),
        outboxClaim: Duration? = nil,
        deadLetterRetention: Duration? = .seconds(30 * 86_400)
    ) {
        self.deadLetterRetention = deadLetterRetention
        self.sqlitePath = sqlitePath
        self.ledgerRetention = ledgerRetention
        self.postgres = postgres
        self.leaseDuration = leaseDuration
        self.outboxClaim = outboxClaim
    }
}
