import RelayCore

/// Where alerts go (`alerts.targets.NAME`).
public struct AlertTarget: Sendable, Equatable {
    /// How the payload is shaped.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Generic JSON: `{alert, state, component, message, at}`.
        case webhook
        /// A Slack incoming webhook: `{text}`.
        case slack
        /// PagerDuty Events API v2: `{routing_key, event_action, dedup_key, payload}`.
        case pagerduty
    }

    /// PagerDuty's Events API v2 endpoint, the default `url` of a `pagerduty` target.
    public static let pagerDutyEventsURL = "https://events.pagerduty.com/v2/enqueue"

    /// The target's name in the configuration (safe to log).
    public var name: String
    public var kind: Kind
    /// Where to POST, read at each attempt. A webhook URL is a secret (its path or query is the
    /// credential): a credential reference, never logged. Required for `webhook` and `slack`;
    /// default ``pagerDutyEventsURL`` for `pagerduty`.
    public var url: Credential
    /// PagerDuty integration key (a credential, never logged). Required for `pagerduty`, unused otherwise.
    public var routingKey: Credential?

    /// - Parameters:
    ///   - url: a `String` or a ``Credential``.
    ///   - routingKey: a `String` or a ``Credential``.
    public init(
        name: String, kind: Kind, url: some CredentialConvertible, routingKey: (any CredentialConvertible)? = nil
    ) {
        self.name = name
        self.kind = kind
        self.url = url.credential
        self.routingKey = routingKey?.credential
    }

    /// Scheme and host of the URL only, for log lines (paths and queries may hold secrets).
    public var loggableHost: String {
        let url = self.url.value
        let afterScheme = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? Substring(url)
        let host = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let withoutUser = host.lastIndex(of: "@").map { host[host.index(after: $0)...] } ?? host
        let scheme = url.firstRange(of: "://").map { String(url[..<$0.lowerBound]) + "://" } ?? ""
        return scheme + withoutUser
    }
}

/// The `alerts:` section: targets and the thresholds that decide when a condition is an outage.
public struct AlertsConfiguration: Sendable, Equatable {
    /// Every target receives every alert. Default none.
    public var targets: [AlertTarget]
    /// How long a pull source must keep failing before it alerts (`source_failing_secs`). Default 900 s.
    public var sourceFailingAfter: Duration
    /// How old the oldest row of an outbox may get before it alerts (`outbox_age_secs`). Default 600 s.
    public var outboxAgeLimit: Duration
    /// Time between two evaluations (`evaluate_interval_secs`). Default 30 s.
    public var evaluateInterval: Duration
    /// How long a firing condition must stay clear before its recovery is sent, so a flapping
    /// condition stays one alert (`resolve_after_secs`). For dead letters it is the quiet period
    /// without new ones. Default 300 s.
    public var resolveAfter: Duration
    /// Attempts and backoff of one alert POST before it is dropped (`retry`). Default 4 attempts,
    /// backoff from 2 s up to 30 s.
    public var retry: RetryPolicy
    /// Deadline of one alert POST (`request_timeout_secs`). Default 10 s.
    public var requestTimeout: Duration

    public init(
        targets: [AlertTarget] = [],
        sourceFailingAfter: Duration = .seconds(900),
        outboxAgeLimit: Duration = .seconds(600),
        evaluateInterval: Duration = .seconds(30),
        resolveAfter: Duration = .seconds(300),
        retry: RetryPolicy = AlertsConfiguration.defaultRetry,
        requestTimeout: Duration = .seconds(10)
    ) {
        self.targets = targets
        self.sourceFailingAfter = sourceFailingAfter
        self.outboxAgeLimit = outboxAgeLimit
        self.evaluateInterval = evaluateInterval
        self.resolveAfter = resolveAfter
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    /// 4 attempts, backoff from 2 s up to 30 s.
    public static let defaultRetry = RetryPolicy(maxAttempts: 4, initialBackoff: .seconds(2), maxBackoff: .seconds(30))
}
