import RelayCore
import Synchronization

/// A faithful local stand-in for one Genesys Cloud org: OAuth client-credentials tokens, the audit
/// service mapping, realtime and asynchronous audit queries with paging over a seeded 30-day
/// history (``GenesysOrgConfiguration/historyPerService``), late persistence, rate limiting and
/// injectable faults. Time comes only from the injected clock, so tests drive it with
/// `ManualClock`. Serve it over HTTP with ``Sandbox/withRunning(genesys:hec:logger:_:)``.
public final class GenesysOrgEmulator: Sendable {
    /// A record held by the org, visible to queries from `visibleAt` on.
    struct StoredRecord: Sendable {
        var sequence: Int
        var serviceName: String
        var eventDate: Timestamp
        var visibleAt: WallInstant
        var object: JSONObject
        /// Part of the seeded history rather than generated or inserted.
        var seeded = false
    }

    struct State: Sendable {
        var records: [StoredRecord] = []
        var generatedIDs: [String] = []
        /// Records made by `generate(count:)` so far (numbers the very-late ones).
        var generatedCount = 0
        var pendingMalformed: [(serviceName: String, rawJSON: String)] = []
        var recordGenerator: SeededGenerator
        var tokenGenerator: SeededGenerator
        var correlationGenerator: SeededGenerator
        /// Issued tokens and when each expires.
        var tokens: [String: WallInstant] = [:]
        var rateLimitRemaining = 0
        var retryAfterSeconds = 0
        var malformedPages: [MalformedPage] = []
        /// Statuses (502/503/504) the next API requests are answered with, first first.
        var transientStatuses: [Int] = []
        var stats = GenesysOrgStats()
        /// The current one-minute rate-limit window of each token.
        var windows: [String: (start: WallInstant, count: Int)] = [:]
        /// Until when every API request is refused by the daily limit.
        var dailyLimitUntil: WallInstant?
        /// Until when the last 429 asked clients to wait (for ``GenesysOrgStats/requestsDuringRetryAfter``).
        var retryAfterUntil: WallInstant?
        var transactions: [String: AsyncTransaction] = [:]
        var pendingAsyncOutcomes: [GenesysAsyncOutcome] = []
        /// The seeded history, made bucket by bucket as queries reach into it.
        var history: GenesysSeededHistory
    }

    /// The org's behaviour.
    public let configuration: GenesysOrgConfiguration
    let clock: any WallClock
    let factory: GenesysRecordFactory
    let state: Mutex<State>

    /// An org behaving per `configuration`, telling time by `clock`.
    public init(configuration: GenesysOrgConfiguration = .init(), clock: any WallClock) {
        self.configuration = configuration
        self.clock = clock
        var castGenerator = SeededGenerator(seed: configuration.seed ^ 0xC457)
        self.factory = GenesysRecordFactory(cast: GenesysOrgCast(generator: &castGenerator))
        self.state = Mutex(
            State(
                recordGenerator: SeededGenerator(seed: configuration.seed),
                tokenGenerator: SeededGenerator(seed: configuration.seed ^ 0x70CE),
                correlationGenerator: SeededGenerator(seed: configuration.seed ^ 0xC0DE),
                history: GenesysSeededHistory(configuration: configuration, anchor: clock.now)
            )
        )
    }

    /// The emulated org's id (`userHomeOrgId` of its own users).
    public var organizationID: String { factory.cast.orgID }

    /// Creates `count` realistic audit records with `eventDate` = the clock's now (milliseconds)
    /// and a random late-persistence delay from the configuration (``GenesysOrgConfiguration/veryLatePersistence``
    /// for every ``GenesysOrgConfiguration/veryLateEvery``-th one); returns their ids.
    @discardableResult
    public func generate(count: Int) -> [String] {
        let now = clock.now
        let eventDate = now.timestamp
        return state.withLock { state in
            var ids: [String] = []
            ids.reserveCapacity(count)
            for _ in 0..<max(count, 0) {
                let record = factory.makeRecord(
                    eventDate: eventDate, services: configuration.services, generator: &state.recordGenerator
                )
                var delay = state.recordGenerator.duration(in: configuration.latePersistence)
                if configuration.veryLateEvery > 0, state.generatedCount % configuration.veryLateEvery == 0 {
                    delay = configuration.veryLatePersistence
                }
                state.generatedCount += 1
                let id = record["id"]?.stringValue ?? ""
                state.records.append(
                    StoredRecord(
                        sequence: state.records.count, serviceName: record["serviceName"]?.stringValue ?? "",
                        eventDate: eventDate, visibleAt: now.advanced(by: delay), object: record
                    )
                )
                state.generatedIDs.append(id)
                ids.append(id)
            }
            return ids
        }
    }

    /// Inserts a caller-built `AuditLogMessage` JSON object, visible to queries from `visibleAt`.
    /// - Precondition: `record` has string members `id`, `serviceName` and an ISO 8601 `eventDate`.
    public func insert(_ record: JSONObject, visibleAt: WallInstant) {
        guard let id = record["id"]?.stringValue, let serviceName = record["serviceName"]?.stringValue,
            let dateText = record["eventDate"]?.stringValue,
            let eventDate = try? Timestamp.parseISO8601(dateText)
        else {
            preconditionFailure("GenesysOrgEmulator.insert needs string id, serviceName and an ISO 8601 eventDate")
        }
        state.withLock { state in
            state.records.append(
                StoredRecord(
                    sequence: state.records.count, serviceName: serviceName, eventDate: eventDate,
                    visibleAt: visibleAt, object: record
                )
            )
            state.generatedIDs.append(id)
        }
    }

    /// Inserts raw text as one extra entity of the next successful realtime page served for
    /// `serviceName` (appended after that page's records; `total` and `pageCount` do not count it).
    /// Used to test one malformed record inside an otherwise good page. Served once.
    public func insertMalformedRecord(serviceName: String, rawJSON: String) {
        state.withLock { $0.pendingMalformed.append((serviceName, rawJSON)) }
    }

    /// Every inserted or generated record id, visible or not, in insertion order.
    public var generatedIDs: [String] { state.withLock { $0.generatedIDs } }

    /// Ends late persistence for every record inserted so far: all become visible to queries.
    public func makeAllVisible() {
        let past = WallInstant(sinceEpoch: .zero)
        state.withLock { state in
            for index in state.records.indices { state.records[index].visibleAt = past }
        }
    }

    /// The next `count` API requests (not token requests) that present a valid token are
    /// answered 429 `too.many.requests` with `Retry-After: retryAfterSeconds`.
    public func rateLimitNextRequests(_ count: Int, retryAfterSeconds: Int) {
        state.withLock { state in
            state.rateLimitRemaining = max(count, 0)
            state.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// The next `count` API requests that present a valid token are answered `status` (502, 503
    /// or 504) with an `ErrorBody`, as a gateway or an unavailable service does; queued behind
    /// those already queued.
    /// - Precondition: `status` is 502, 503 or 504.
    public func failNextRequests(_ count: Int, status: Int) {
        precondition([502, 503, 504].contains(status), "GenesysOrgEmulator.failNextRequests takes 502, 503 or 504")
        state.withLock { $0.transientStatuses.append(contentsOf: repeatElement(status, count: max(count, 0))) }
    }

    /// Every API request from now until `retryAfterSeconds` have passed on the clock is answered
    /// 429 with the daily limit's key and a `Retry-After` of the time left.
    public func exhaustDailyLimit(retryAfterSeconds: Int) {
        let until = clock.now.advanced(by: .seconds(retryAfterSeconds))
        state.withLock { $0.dailyLimitUntil = until }
    }

    /// The next `count` asynchronous queries submitted end in `outcome` instead of `Succeeded`.
    public func failNextAsyncQueries(_ count: Int, with outcome: GenesysAsyncOutcome) {
        state.withLock { $0.pendingAsyncOutcomes.append(contentsOf: repeatElement(outcome, count: max(count, 0))) }
    }

    /// Revokes every token issued so far: each now answers 401 `bad.credentials`.
    public func expireAllTokens() {
        state.withLock { $0.tokens.removeAll() }
    }

    /// The next `count` realtime queries that pass authentication and rate limiting are answered
    /// 200 with a broken page of the given kind instead of results.
    public func failNextRealtimeQueries(_ count: Int, with page: MalformedPage) {
        state.withLock { state in
            state.malformedPages.append(contentsOf: repeatElement(page, count: max(count, 0)))
        }
    }

    /// What the emulator has served so far.
    public var stats: GenesysOrgStats { state.withLock { $0.stats } }
}
