import Logging
import RelayCore
import RelayHTTP

/// Pulls Genesys Cloud audit records through `POST /api/v2/audits/query/realtime`, one partition
/// per audit service, with a high-watermark checkpoint and a look-back overlap.
///
/// One cycle, for each service (from the configuration, else from the realtime service mapping,
/// `GET /api/v2/audits/query/realtime/servicemapping`):
/// 1. watermark = the partition's checkpoint (ISO 8601 text), or now − `initialLookback`;
/// 2. query the interval `(watermark − lookback)/now`, sorted by timestamp ascending, page by page;
/// 3. commit every page with its events and malformed records, the checkpoint set to the latest
///    `eventDate` seen so far in this cycle (never below the old watermark);
/// 4. after the last page, commit the checkpoint `max(watermark, now)`: everything up to the query's
///    end has been read, so the next query starts one look-back before it (late-persisted records
///    are caught; each record is re-read for one look-back window, not more).
///
/// A page that cannot be read throws and ends the cycle; the checkpoint stays where the last
/// committed page put it. A rate limit (429) ends the cycle quietly with
/// ``CycleReport/retryAfter`` set; what was committed stays committed. A request the platform
/// refuses for one service (``RelayError/Code/requestRejected``: a 4xx other than 401, 403 and
/// 429) isolates that service: it is logged at warning, reported in
/// ``CycleReport/failedPartitions``, its checkpoint stays, and the other services are pulled in
/// the same cycle. 502/503/504 are resent with backoff by the ``GenesysAPIClient``.
///
/// **Rate limits.** Every request goes through the credential's ``CredentialThrottle`` (shared with
/// every other source and backfill of the same client id and API): while the credential is
/// blocked (`Retry-After` + 10 s) nothing is sent and the cycle ends with `retryAfter` = the
/// remaining block. The source reports its pacing through ``pollInterval``: the configured
/// interval times the throttle's factor, which doubles while the remaining budget is below 20
/// and steps back as it recovers (the scheduler reads it before every wait).
///
/// **Late records.** Every `lateSweepInterval` (first one interval after the service's first
/// cycle) a service's `[now − lateSweepWindow, look-back edge)` is re-read through the same paced
/// client without moving the checkpoint: the ledger drops what was read before, and what is new
/// was persisted later than the look-back and counts in ``CycleReport/outOfOrder``
/// (`ccrelay_source_out_of_order_total{source}`).
///
/// **Older than the realtime API serves.** When the query window would start before
/// `now − realtimeRetention`, the part up to one hour inside the retention is first read through
/// the asynchronous query, in windows of at most 31 days checkpointed under
/// `async:<service>:<window start>` (transaction id and cursor, so an interrupted cycle resumes);
/// the partition's watermark then moves to that boundary and the realtime query continues.
public struct GenesysAuditSource: PullSource {
    /// The settings this source was built with.
    public let configuration: GenesysAuditSourceConfiguration
    /// The API client (and through it the token provider) of this source's OAuth client.
    public let client: GenesysAPIClient
    let clock: any WallClock
    private let normalizer: GenesysAuditNormalizer
    let lateSweeps = GenesysLateSweepSchedule()

    public var name: String { configuration.name }
    /// The configured interval times the credential's throttle factor (1 while the budget is healthy).
    public var pollInterval: Duration { configuration.pollInterval * throttle.intervalFactor }
    /// The rate-limit state of this source's credential.
    public var throttle: CredentialThrottle {
        // Every client built by this type has a throttle.
        client.throttle!
    }

    static let realtimePath = "/api/v2/audits/query/realtime"

    /// - Parameters:
    ///   - configuration: The settings; validated here.
    ///   - transport: The HTTP client for token and API requests.
    ///   - clock: Decides "now" for query windows and token expiry.
    ///   - throttle: The credential's shared rate-limit state (from a ``CredentialThrottleRegistry``);
    ///     `nil` (the default) gives this source a throttle of its own.
    /// - Throws: `RelayError(.configInvalid)` when the configuration is not usable.
    public init(
        configuration: GenesysAuditSourceConfiguration, transport: HTTPTransport, clock: any WallClock,
        throttle: CredentialThrottle? = nil
    ) throws(RelayError) {
        try self.init(configuration: configuration, clock: clock, throttle: throttle) { request throws(RelayError) in
            try await transport.send(request)
        }
    }

    init(
        configuration: GenesysAuditSourceConfiguration, clock: any WallClock, throttle: CredentialThrottle? = nil,
        send: @escaping GenesysSend
    ) throws(RelayError) {
        try configuration.validate()
        let endpoints = configuration.endpoints
        let tokenEndpoint = GenesysTokenEndpoint(
            endpoints: endpoints, clientID: configuration.clientID, clientSecret: configuration.clientSecret, send: send
        )
        let tokens = AccessTokenCache(clock: clock) { () throws(RelayError) in try await tokenEndpoint.fetch() }
        self.configuration = configuration
        let throttle =
            throttle
            ?? CredentialThrottle(
                credential: "\(configuration.clientID)@\(endpoints.apiBaseURL)", clock: clock,
                logger: Logger(label: "ccrelay.genesys", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        self.client = GenesysAPIClient(
            endpoints: endpoints, tokens: tokens, throttle: throttle, clock: clock, send: send)
        self.clock = clock
        self.normalizer = GenesysAuditNormalizer(keepRaw: configuration.keepRaw)
    }

    public func runCycle(into intake: any SourceSender, logger: Logger) async throws -> CycleReport {
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = "\(configuration.name)"
        var report = CycleReport()
        do {
            let services: [String]
            if let configured = configuration.services {
                services = configured
            } else {
                services = try await realtimeServiceNames()
            }
            logger.trace("Genesys audit cycle started", metadata: ["ccrelay.partitions": "\(services.count)"])
            for service in services {
                try Task.checkCancellation()
                do {
                    try await pull(service: service, into: intake, report: &report, logger: logger)
                } catch let error as RelayError where error.code == .requestRejected {
                    isolate(service: service, error: error, report: &report, logger: logger)
                }
            }
        } catch let error as RelayError where error.code == .rateLimited {
            let wait = error.retryAfter ?? GenesysAPIClient.defaultRetryAfter + GenesysAPIClient.retryAfterSafetyMargin
            report.retryAfter = wait
            logger.debug(
                "Genesys audit cycle stopped by a rate limit", metadata: ["ccrelay.retry_after_secs": "\(wait.seconds)"]
            )
        }
        return report
    }

    private func pull(service: String, into intake: any SourceSender, report: inout CycleReport, logger: Logger)
        async throws
    {
        var logger = logger
        logger[metadataKey: "ccrelay.partition"] = "\(service)"
        let now = clock.now
        var watermark = try await startingWatermark(service: service, intake: intake, now: now)
        var queryStart = WallInstant(watermark).advanced(by: .zero - configuration.lookback).timestamp
        let boundary = now.advanced(by: .zero - configuration.realtimeRetention + Self.retentionMargin).timestamp
        if queryStart < boundary {
            try await pullAsynchronously(
                service: service, from: queryStart, to: boundary, into: intake, report: &report, logger: logger
            )
            watermark = max(watermark, boundary)
            queryStart = WallInstant(watermark).advanced(by: .zero - configuration.lookback).timestamp
        }
        let queryEnd = now.timestamp
        guard queryStart < queryEnd else {
            logger.debug(
                "Genesys audit partition skipped: watermark is ahead of the clock",
                metadata: ["ccrelay.watermark": "\(watermark)"])
            return
        }
        let latest = try await readRealtime(
            service: service, from: queryStart, to: queryEnd, into: intake, report: &report, logger: logger,
            advancing: watermark)
        let covered = max(latest, queryEnd)
        try await intake.commit(partition: service, events: [], malformed: [], checkpoint: covered.iso8601)
        logger.trace("Genesys audit partition done", metadata: ["ccrelay.checkpoint": "\(covered)"])
        try await sweepLateRecords(
            service: service, before: queryStart, now: now, into: intake, report: &report, logger: logger)
    }

    /// Reads `[start, end)` of one service through the realtime query, page by page, committing
    /// each page. With a `watermark`, each commit moves the partition's checkpoint to the latest
    /// event date seen (never below the watermark); without one (a late-record sweep) the
    /// checkpoint is left alone and every accepted record counts as out of order.
    /// - Returns: The latest event date seen, at least `watermark` (or `start`).
    func readRealtime(
        service: String, from start: Timestamp, to end: Timestamp, into intake: any SourceSender,
        report: inout CycleReport, logger: Logger, advancing watermark: Timestamp?
    ) async throws -> Timestamp {
        let path = configuration.expandUser ? Self.realtimePath + "?expand=user" : Self.realtimePath
        let interval = start.iso8601 + "/" + end.iso8601
        var latest = watermark ?? start
        var pageNumber = 1
        while true {
            var body: JSONObject = JSONObject([
                "interval": .string(interval),
                "serviceName": .string(service),
                "sort": [["name": "Timestamp", "sortOrder": "ascending"]],
                "pageNumber": .number(JSONNumber(pageNumber)),
                "pageSize": .number(JSONNumber(configuration.pageSize)),
            ])
            if !configuration.filters.isEmpty { body["filters"] = .array(configuration.filters.map(\.json)) }
            let page = try await client.request("POST", path, body: .object(body))
            guard let entities = page["entities"]?.arrayValue else {
                throw RelayError(
                    .malformedResponse,
                    "POST \(Self.realtimePath): page \(pageNumber) for service \(service) has no entities array"
                )
            }
            var events: [Event] = []
            var malformed: [MalformedRecord] = []
            events.reserveCapacity(entities.count)
            for entity in entities {
                do {
                    let event = try normalizer.normalize(entity)
                    if event.timestamp > latest { latest = event.timestamp }
                    events.append(event)
                } catch {
                    malformed.append(MalformedRecord(raw: JSONWriter.string(entity), reason: error.message))
                }
            }
            if !entities.isEmpty {
                let result = try await intake.commit(
                    partition: service, events: events, malformed: malformed,
                    checkpoint: watermark == nil ? nil : latest.iso8601
                )
                report.add(result, records: entities.count)
                if watermark == nil { report.outOfOrder += result.accepted }
                logger.debug(
                    "Genesys audit page committed",
                    metadata: [
                        "ccrelay.page": "\(pageNumber)", "ccrelay.records": "\(entities.count)",
                        "ccrelay.malformed": "\(malformed.count)", "ccrelay.checkpoint": "\(latest)",
                    ]
                )
            }
            let more: Bool
            if let pageCount = page["pageCount"]?.int64Value {
                more = Int64(pageNumber) < pageCount
            } else {
                more = !entities.isEmpty && entities.count >= configuration.pageSize
            }
            guard more else { break }
            pageNumber += 1
        }
        return latest
    }

    /// How far inside the realtime retention the asynchronous part of a catch-up ends.
    static let retentionMargin: Duration = .seconds(3600)

    /// Reads `[start, end)` of one service through the asynchronous query, window by window, then
    /// moves the partition's watermark to `end`.
    private func pullAsynchronously(
        service: String, from start: Timestamp, to end: Timestamp, into intake: any SourceSender,
        report: inout CycleReport, logger: Logger
    ) async throws {
        logger.notice(
            "Genesys audit watermark is older than the realtime query serves; reading through the asynchronous query",
            metadata: ["ccrelay.from": "\(start)", "ccrelay.to": "\(end)"]
        )
        let extractor = GenesysWindowExtractor(
            query: GenesysAsyncAuditQuery(client: client, filters: configuration.filters), clock: clock,
            pageSize: GenesysAsyncAuditQuery.maximumPageSize, expandUser: configuration.expandUser,
            keepRaw: configuration.keepRaw
        )
        for window in GenesysAuditWindow.split(service: service, from: start, to: end) {
            try Task.checkCancellation()
            let done = try await extractor.run(
                window, partition: window.partition(prefix: "async"), into: intake, logger: logger)
            report.pages += done.pages
            report.records += done.records
            report.accepted += done.accepted
            report.duplicates += done.duplicates
            report.malformed += done.malformed
        }
        try await intake.commit(partition: service, events: [], malformed: [], checkpoint: end.iso8601)
    }

    private func startingWatermark(service: String, intake: any SourceSender, now: WallInstant) async throws
        -> Timestamp
    {
        guard let text = try await intake.checkpoint(partition: service) else {
            return now.advanced(by: .zero - configuration.initialLookback).timestamp
        }
        do {
            return try Timestamp.parseISO8601(text)
        } catch {
            throw RelayError(
                .stateStore,
                "source \(configuration.name), partition \(service): the checkpoint \"\(text)\" is not an ISO 8601 timestamp"
            )
        }
    }
}
