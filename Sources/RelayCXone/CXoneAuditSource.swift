import Logging
import RelayCore
import RelayHTTP

/// Pulls NICE CXone admin audit history and agent logins, one partition per entity kind
/// (`campaigns`, `dispositions`, `script-schedules`, `station-profiles`, `stations`,
/// `unavailable-codes`) plus `logins`, each with a high-watermark checkpoint and a look-back overlap.
///
/// One cycle resolves the API base (configured, else discovery, once), then for each partition:
/// 1. window = `(watermark − lookback, now)`; watermark = the checkpoint, or now − `initialLookback`;
/// 2. entity kinds: list the entities changed since the window start (`updatedSince`, `skip`/`top`
///    paging) and read each one's `audit-history` for the window page by page;
///    `logins`: list the agents (active ones unless `include_inactive_agents`; a login does not
///    change the agent record, so `updateSince` cannot narrow this list) and read each one's
///    `login-history` for the window;
/// 3. every page is committed with its events and malformed entries, the checkpoint unchanged
///    (entities are not in time order, so no earlier point is known to be complete);
/// 4. after the last entity the checkpoint becomes the window end.
///
/// An entity that disappears between list and history (404) is skipped with a log line. A rate
/// limit (429) ends the cycle quietly with ``CycleReport/retryAfter`` (`Retry-After` + 10 s); a
/// rejected credential fails the cycle. Any other failure (a 400 naming the request and the
/// platform's message, a 5xx, a malformed page) ends only its partition, whose checkpoint stays;
/// the other partitions still run and the cycle then fails naming every failed partition, so the
/// source keeps running and the next cycle re-reads from the old watermark.
public struct CXoneAuditSource: PullSource {
    /// The partition of agent login history.
    public static let loginsPartition = "logins"

    /// The settings this source was built with.
    public let configuration: CXoneAuditSourceConfiguration
    /// The API client (and through it the token provider) of this source's access key.
    public let client: CXoneAPIClient
    private let base: CXoneAPIBase
    private let clock: any WallClock
    private let normalizer: CXoneNormalizer

    public var name: String { configuration.name }
    /// The configured interval times the access key's throttle factor (1 while the budget is healthy).
    public var pollInterval: Duration { configuration.pollInterval * client.throttle.intervalFactor }

    /// - Parameters:
    ///   - configuration: The settings; validated here.
    ///   - transport: The HTTP client for discovery, token and API requests.
    ///   - clock: Decides "now" for windows and token expiry, and times rate-limit waits and backoff.
    ///   - throttle: The access key's shared rate-limit state (from a ``CredentialThrottleRegistry``);
    ///     `nil` (the default) gives this source a throttle of its own.
    /// - Throws: `RelayError(.configInvalid)` when the configuration is not usable.
    public init(
        configuration: CXoneAuditSourceConfiguration, transport: HTTPTransport, clock: any WallClock,
        throttle: CredentialThrottle? = nil
    ) throws(RelayError) {
        try self.init(configuration: configuration, clock: clock, throttle: throttle) { request throws(RelayError) in
            try await transport.send(request)
        }
    }

    init(
        configuration: CXoneAuditSourceConfiguration, clock: any WallClock, throttle: CredentialThrottle? = nil,
        send: @escaping CXoneSend
    ) throws(RelayError) {
        try configuration.validate()
        let endpoint = CXoneTokenEndpoint(
            authBaseURL: configuration.discoveryURL, accessKeyID: configuration.accessKeyID,
            accessKeySecret: configuration.accessKeySecret, clientID: configuration.clientID,
            clientSecret: configuration.clientSecret, send: send
        )
        let tokens = AccessTokenCache(clock: clock) { () throws(RelayError) in try await endpoint.fetch() }
        let base = CXoneAPIBase(
            configured: configuration.apiBaseURL, discoveryURL: configuration.discoveryURL,
            tenantID: configuration.tenantID, send: send
        )
        self.configuration = configuration
        self.base = base
        let throttle =
            throttle
            ?? CredentialThrottle(
                credential: configuration.throttleCredential, clock: clock,
                logger: Logger(label: "ccrelay.cxone", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.client = CXoneAPIClient(base: base, tokens: tokens, throttle: throttle, clock: clock, send: send)
        self.clock = clock
        self.normalizer = CXoneNormalizer(
            timezoneOffsetSeconds: configuration.timezoneOffsetSeconds, keepRaw: configuration.keepRaw
        )
    }

    /// The partitions in cycle order: the configured entity kinds, then `logins`.
    public var partitions: [String] {
        configuration.entities.map(\.path) + (configuration.collectLogins ? [Self.loginsPartition] : [])
    }

    public func runCycle(into intake: any SourceSender, logger: Logger) async throws -> CycleReport {
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = "\(configuration.name)"
        var report = CycleReport()
        var failures: [RelayError] = []
        do {
            _ = try await base.url()
            for partition in partitions {
                try Task.checkCancellation()
                var partitionLogger = logger
                partitionLogger[metadataKey: "ccrelay.partition"] = "\(partition)"
                let reader = CXonePartitionReader(
                    configuration: configuration, client: client, normalizer: normalizer, intake: intake,
                    logger: partitionLogger
                )
                do {
                    let window = try await window(partition: partition, intake: intake)
                    guard let window else {
                        partitionLogger.debug("CXone partition skipped: watermark is ahead of the clock")
                        continue
                    }
                    if let kind = CXoneEntityKind(rawValue: partition) {
                        try await reader.pullAudit(kind: kind, window: window, report: &report)
                    } else {
                        try await reader.pullLogins(window: window, report: &report)
                    }
                    try await intake.commit(
                        partition: partition, events: [], malformed: [], checkpoint: window.end.iso8601)
                    partitionLogger.trace("CXone partition done", metadata: ["ccrelay.checkpoint": "\(window.end)"])
                } catch let error as RelayError
                    where error.code != .rateLimited && error.code != .authentication && error.code != .cancelled
                {
                    failures.append(error)
                    partitionLogger.warning(
                        "CXone partition failed; its checkpoint stays and the next cycle re-reads it",
                        metadata: ["ccrelay.error": "\(error)"]
                    )
                }
            }
        } catch let error as RelayError where error.code == .rateLimited {
            let wait = error.retryAfter ?? CXoneAPIClient.defaultRetryAfter + CXoneAPIClient.retryAfterSafetyMargin
            report.retryAfter = wait
            logger.debug(
                "CXone audit cycle stopped by a rate limit", metadata: ["ccrelay.retry_after_secs": "\(wait.seconds)"])
            return report
        }
        if let first = failures.first {
            let detail = failures.map(\.message).joined(separator: "; ")
            throw RelayError(
                first.code, "source \(configuration.name): \(failures.count) partition(s) failed: \(detail)")
        }
        return report
    }

    /// The window of a partition, or `nil` when its watermark is ahead of the clock.
    private func window(partition: String, intake: any SourceSender) async throws -> CXoneWindow? {
        let now = clock.now
        let watermark: Timestamp
        if let text = try await intake.checkpoint(partition: partition) {
            do {
                watermark = try Timestamp.parseISO8601(text)
            } catch {
                throw RelayError(
                    .stateStore,
                    "source \(configuration.name), partition \(partition): the checkpoint \"\(text)\" is not an ISO 8601 timestamp"
                )
            }
        } else {
            watermark = now.advanced(by: .zero - configuration.initialLookback).timestamp
        }
        let start = WallInstant(watermark).advanced(by: .zero - configuration.lookback).timestamp
        let end = now.timestamp
        return start < end ? CXoneWindow(start: start, end: end) : nil
    }
}

/// The interval one partition reads in one cycle.
struct CXoneWindow: Sendable, Equatable {
    var start: Timestamp
    var end: Timestamp
}
