import RelayCore
import Synchronization

/// A faithful local stand-in for one NICE CXone tenant: discovery, the access-key token grant,
/// admin entity lists with `updatedSince`, per-entity `audit-history` and agents' `login-history`
/// with `skip`/`top` paging and `totalRecords`, deleted entities (404) and injected rate limits.
/// Changes and logins are dated by the injected clock, so tests drive it with `ManualClock`.
/// Serve it with ``Sandbox/withRunning(cxone:logger:_:)``.
public final class CXoneTenantEmulator: Sendable {
    struct EntityKey: Hashable, Sendable {
        var kind: CXoneSandboxEntityKind
        var id: Int
    }

    struct StoredEntity: Sendable {
        var name: String
        var lastUpdated: WallInstant
        var deleted = false
    }

    struct StoredChange: Sendable {
        var change: CXoneSandboxChange
        var at: WallInstant
        var modifiedBy: CXoneTenantCast.Person
    }

    struct StoredLogin: Sendable {
        var login: CXoneSandboxLogin
        var at: WallInstant
        var stationName: String
    }

    struct State: Sendable {
        var entities: [EntityKey: StoredEntity] = [:]
        var changes: [EntityKey: [StoredChange]] = [:]
        var logins: [Int: [StoredLogin]] = [:]
        var allChanges: [CXoneSandboxChange] = []
        var allLogins: [CXoneSandboxLogin] = []
        var nextAuditID = 700_001
        var generator: SeededGenerator
        var tokenGenerator: SeededGenerator
        var tokens: [String: WallInstant] = [:]
        var rateLimitRemaining = 0
        var retryAfterSeconds = 0
        var transientFailuresRemaining = 0
        var transientFailureStatus = 503
        var badRequestsRemaining = 0
        var deleteAfterListing: Set<EntityKey> = []
        var stats = CXoneTenantStats()
    }

    /// The tenant's behaviour.
    public let configuration: CXoneTenantConfiguration
    let clock: any WallClock
    let cast: CXoneTenantCast
    let state: Mutex<State>

    /// A tenant behaving per `configuration`, telling time by `clock`. Every entity starts
    /// unchanged since the epoch.
    public init(configuration: CXoneTenantConfiguration = .init(), clock: any WallClock) {
        self.configuration = configuration
        self.clock = clock
        var castGenerator = SeededGenerator(seed: configuration.seed ^ 0xCA57)
        self.cast = CXoneTenantCast(generator: &castGenerator)
        var state = State(
            generator: SeededGenerator(seed: configuration.seed),
            tokenGenerator: SeededGenerator(seed: configuration.seed ^ 0x70CE)
        )
        for entity in cast.entities {
            state.entities[EntityKey(kind: entity.kind, id: entity.id)] = StoredEntity(
                name: entity.name, lastUpdated: WallInstant(sinceEpoch: .zero)
            )
        }
        self.state = Mutex(state)
    }

    /// The ids of a kind's entities, deleted ones included.
    public func entityIDs(_ kind: CXoneSandboxEntityKind) -> [Int] {
        cast.entities.filter { $0.kind == kind }.map(\.id)
    }

    /// The agents' ids; `activeOnly` leaves out the inactive one.
    public func agentIDs(activeOnly: Bool = false) -> [Int] {
        cast.agents.filter { !activeOnly || $0.isActive }.map(\.id)
    }

    /// Records `count` column changes dated now, on random entities (of `kind` when given) that are
    /// not deleted, by random administrators; each marks its entity updated now.
    @discardableResult
    public func generateChanges(count: Int, kind: CXoneSandboxEntityKind? = nil) -> [CXoneSandboxChange] {
        let now = clock.now
        let candidates = cast.entities.filter { kind == nil || $0.kind == kind }
        return state.withLock { state in
            var made: [CXoneSandboxChange] = []
            for _ in 0..<max(count, 0) {
                let live = candidates.filter { state.entities[EntityKey(kind: $0.kind, id: $0.id)]?.deleted == false }
                guard !live.isEmpty else { break }
                let entity = state.generator.pick(live)
                let columns = CXoneTenantCast.columns[entity.kind] ?? [("Name", ["a", "b"])]
                let column = state.generator.pick(columns)
                let old = state.generator.pick(column.values)
                var new = state.generator.pick(column.values)
                if new == old, column.values.count > 1 { new = column.values.first { $0 != old } ?? new }
                made.append(
                    record(
                        &state, kind: entity.kind, id: entity.id, column: column.column, old: old, new: new, at: now,
                        by: state.generator.pick(cast.administrators)
                    )
                )
            }
            return made
        }
    }

    /// Records one change of a given entity dated `at` (default now), visible at once.
    @discardableResult
    public func recordChange(
        kind: CXoneSandboxEntityKind, entityID: Int, column: String, old: String, new: String, at: WallInstant? = nil
    ) -> CXoneSandboxChange {
        let when = at ?? clock.now
        return state.withLock { state in
            let admin = state.generator.pick(cast.administrators)
            return record(&state, kind: kind, id: entityID, column: column, old: old, new: new, at: when, by: admin)
        }
    }

    private func record(
        _ state: inout State, kind: CXoneSandboxEntityKind, id: Int, column: String, old: String, new: String,
        at: WallInstant, by admin: CXoneTenantCast.Person
    ) -> CXoneSandboxChange {
        let key = EntityKey(kind: kind, id: id)
        // Script schedule entries carry no id: one column cannot change from the same old to the same
        // new value twice in one millisecond, so such a repeat is dated a millisecond earlier.
        var at = at
        while kind == .scriptSchedules,
            state.changes[key, default: []].contains(where: { stored in
                stored.at == at && stored.change.columnName == column && stored.change.oldValue == old
                    && stored.change.newValue == new
            })
        {
            at = at.advanced(by: .milliseconds(-1))
        }
        let auditID = state.nextAuditID
        state.nextAuditID += 1
        let change = CXoneSandboxChange(
            kind: kind, entityID: id, auditHistoryID: kind == .scriptSchedules ? nil : auditID, columnName: column,
            oldValue: old, newValue: new, date: CXoneWire.format(at, configuration.dateStyle)
        )
        state.changes[key, default: []].append(StoredChange(change: change, at: at, modifiedBy: admin))
        if var entity = state.entities[key] {
            entity.lastUpdated = max(entity.lastUpdated, at)
            state.entities[key] = entity
        }
        state.allChanges.append(change)
        return change
    }

    /// Records `count` logins dated now by random active agents at random stations.
    @discardableResult
    public func generateLogins(count: Int) -> [CXoneSandboxLogin] {
        let now = clock.now
        let agents = cast.agents.filter(\.isActive)
        let stations = cast.entities.filter { $0.kind == .stations }
        return state.withLock { state in
            var made: [CXoneSandboxLogin] = []
            for _ in 0..<max(count, 0) {
                let agent = state.generator.pick(agents)
                let station = state.generator.pick(stations)
                // Two logins of one agent at one station within a millisecond would be one login.
                var at = now
                while state.logins[agent.id, default: []].contains(where: {
                    $0.at == at && $0.login.stationID == station.id
                }) {
                    at = at.advanced(by: .milliseconds(-1))
                }
                let login = CXoneSandboxLogin(
                    agentID: agent.id, stationID: station.id, loginDate: CXoneWire.format(at, configuration.dateStyle)
                )
                state.logins[agent.id, default: []].append(StoredLogin(login: login, at: at, stationName: station.name))
                state.allLogins.append(login)
                made.append(login)
            }
            return made
        }
    }

    /// Deletes an entity: it leaves the lists and its history answers 404.
    public func deleteEntity(_ kind: CXoneSandboxEntityKind, id: Int) {
        state.withLock { state in state.entities[EntityKey(kind: kind, id: id)]?.deleted = true }
    }

    /// Deletes the entity right after the next list response that includes it, as when an
    /// administrator deletes it between a client's list and history calls.
    public func deleteAfterNextListing(_ kind: CXoneSandboxEntityKind, id: Int) {
        state.withLock { state in _ = state.deleteAfterListing.insert(EntityKey(kind: kind, id: id)) }
    }

    /// The next `count` API requests with a valid token are answered 429 with `Retry-After`.
    public func rateLimitNextRequests(_ count: Int, retryAfterSeconds: Int) {
        state.withLock { state in
            state.rateLimitRemaining = max(count, 0)
            state.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// The next `count` API requests with a valid token are answered `status` (502, 503 or 504), as
    /// when a gateway or the service is briefly down.
    public func failNextRequests(_ count: Int, status: Int = 503) {
        state.withLock { state in
            state.transientFailuresRemaining = max(count, 0)
            state.transientFailureStatus = status
        }
    }

    /// The next `count` `audit-history` requests with a valid token are answered 400 with an
    /// `errorMessage`, as the platform does for a request it cannot serve.
    public func rejectNextHistoryRequests(_ count: Int) {
        state.withLock { $0.badRequestsRemaining = max(count, 0) }
    }

    /// Revokes every token issued so far: each now answers 401.
    public func expireAllTokens() {
        state.withLock { $0.tokens.removeAll() }
    }

    /// Every change recorded so far, in order.
    public var changes: [CXoneSandboxChange] { state.withLock { $0.allChanges } }
    /// Every login recorded so far, in order.
    public var logins: [CXoneSandboxLogin] { state.withLock { $0.allLogins } }
    /// What the emulator has served so far.
    public var stats: CXoneTenantStats { state.withLock { $0.stats } }
}
