import RelayCore
import Synchronization

/// A local stand-in for Microsoft Sentinel's intake: the Entra ID token endpoint
/// (`POST /{tenant}/oauth2/v2.0/token`, client-credentials grant, expiring tokens, rotation on
/// demand) and the Logs Ingestion API (`POST /dataCollectionRules/{dcr}/streams/{stream}
/// ?api-version=2023-01-01`: bearer check, gzip, the 1 MB limit, 204, faults on demand), on one
/// base URL that serves as both the sink's `authority_host` and its `endpoint`. Rows are stored
/// for tests to read. Serve it with ``Sandbox/withRunning(sentinel:logger:_:)``.
public final class SentinelEmulator: Sendable {
    struct State {
        var rows: [JSONObject] = []
        /// Issued tokens and when they expire.
        var tokens: [String: WallInstant] = [:]
        var nextToken = 0
        var faults: [SentinelFault] = []
        var stats = SentinelEmulatorStats()
        var roleRevoked = false
    }

    /// The emulator's behaviour.
    public let configuration: SentinelEmulatorConfiguration
    let clock: any WallClock
    let state = Mutex(State())
    let arrivals = ArrivalCounter()

    /// An emulator behaving per `configuration`; `clock` decides when tokens expire.
    public init(configuration: SentinelEmulatorConfiguration = .init(), clock: any WallClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Every stored row, in arrival order.
    public var rows: [JSONObject] { state.withLock { $0.rows } }

    /// What the emulator has served so far.
    public var stats: SentinelEmulatorStats { state.withLock { $0.stats } }

    /// Returns once at least `count` rows are stored, or when the calling task is cancelled.
    public func waitForRows(count: Int) async {
        await arrivals.wait(atLeast: count)
    }

    /// Queues faults, consumed one per ingestion POST, in order, before any other handling.
    public func injectFaults(_ faults: [SentinelFault]) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// Forgets every issued token, as after a signing-key rollover: the next ingestion request with
    /// an earlier token is answered 401.
    public func rotateTokens() {
        state.withLock { $0.tokens.removeAll() }
    }

    /// Whether the app keeps the Monitoring Metrics Publisher role on the DCR; without it every
    /// ingestion request is answered 403.
    public func setRoleRevoked(_ revoked: Bool) {
        state.withLock { $0.roleRevoked = revoked }
    }

    /// Issues a token valid for the configured lifetime from now.
    func issueToken() -> String {
        let now = clock.now
        return state.withLock { state in
            state.nextToken += 1
            state.stats.tokensIssued += 1
            let token = "sandbox-entra-token-\(state.nextToken)"
            state.tokens[token] = now.advanced(by: configuration.tokenLifetime)
            return token
        }
    }

    /// Stores the rows of an accepted request.
    func store(_ rows: [JSONObject]) {
        let count = state.withLock { state -> Int in
            state.rows.append(contentsOf: rows)
            state.stats.acceptedRequests += 1
            return state.rows.count
        }
        arrivals.update(count: count)
    }
}
