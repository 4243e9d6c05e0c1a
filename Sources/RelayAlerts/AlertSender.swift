import Logging
import RelayCore
import RelayHTTP
import ServiceLifecycle

/// POSTs alerts to one target. A failed POST is retried with backoff a few times and then
/// dropped: alerting never holds up delivery. Logs name the target and its host, never its URL
/// path or routing key (both are credentials).
public struct AlertSender: Sendable {
    /// How one POST ended.
    enum Attempt: Equatable {
        case sent
        case retriable(String, retryAfter: Duration?)
        case permanent(String)
    }

    public let target: AlertTarget
    private let retry: RetryPolicy
    private let timeout: Duration
    private let transport: HTTPTransport
    private let clock: any WallClock
    private let logger: Logger

    /// A sender for `target` with the retry policy and request timeout of `configuration`; backoff
    /// waits on `clock`.
    public init(
        target: AlertTarget, configuration: AlertsConfiguration, transport: HTTPTransport, clock: any WallClock,
        logger: Logger
    ) {
        self.target = target
        self.retry = configuration.retry
        self.timeout = configuration.requestTimeout
        self.transport = transport
        self.clock = clock
        var logger = logger
        logger[metadataKey: "ccrelay.alert_target"] = "\(target.name)"
        logger[metadataKey: "ccrelay.alert_host"] = "\(target.loggableHost)"
        self.logger = logger
    }

    /// Sends one alert, retrying retriable failures; returns whether the target accepted it.
    /// Returns `false` at once when graceful shutdown interrupts a backoff.
    @discardableResult
    public func deliver(_ notification: AlertNotification) async -> Bool {
        await deliver(
            body: AlertPayload.body(for: notification, target: target),
            metadata: [
                "ccrelay.alert": "\(notification.condition.key)",
                "ccrelay.alert_state": "\(notification.state.rawValue)",
            ])
    }

    /// Sends one alert body, retrying retriable failures as ``deliver(_:)`` does; `metadata` names
    /// the alert in logs.
    @discardableResult
    public func deliver(body json: JSONValue, metadata: Logger.Metadata) async -> Bool {
        let body = JSONWriter.encode(json)
        var metadata = metadata
        var failures = 0
        var generator = SystemRandomNumberGenerator()
        while true {
            switch await attempt(body) {
            case .sent:
                logger.debug("Alert sent", metadata: metadata)
                return true
            case .permanent(let reason):
                metadata["ccrelay.error"] = "\(reason)"
                logger.error("Alert target refused the alert; it is dropped", metadata: metadata)
                return false
            case .retriable(let reason, let retryAfter):
                failures += 1
                metadata["ccrelay.error"] = "\(reason)"
                metadata["ccrelay.attempt"] = "\(failures)"
                guard failures < retry.maxAttempts else {
                    logger.error("Alert could not be sent after every attempt; it is dropped", metadata: metadata)
                    return false
                }
                let delay = retry.delay(afterFailures: failures, atLeast: retryAfter, using: &generator)
                metadata["ccrelay.retry_in_secs"] = "\(delay.seconds)"
                logger.warning("Alert could not be sent; retrying", metadata: metadata)
                let wakeAt = clock.now.advanced(by: delay)
                do {
                    try await cancelWhenGracefulShutdown { try await clock.sleep(until: wakeAt, tolerance: nil) }
                } catch {
                    logger.warning("Shutting down: pending alert dropped", metadata: metadata)
                    return false
                }
            }
        }
    }

    func attempt(_ body: [UInt8]) async -> Attempt {
        let request = OutboundRequest(
            method: "POST", url: target.url.value, headers: [("Content-Type", "application/json")], body: body,
            timeout: timeout)
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch {
            return .retriable(redacted(error.message), retryAfter: nil)
        }
        switch response.status {
        case 200..<300: return .sent
        case 408, 429, 500...599:
            return .retriable("HTTP \(response.status)", retryAfter: response.retryAfter)
        default:
            // The body may echo the request (and so the routing key): only the status is kept.
            return .permanent("HTTP \(response.status)")
        }
    }

    /// A transport message without the URL's path or query.
    private func redacted(_ message: String) -> String {
        let full = HTTPTransport.redactedTarget(target.url.value)
        var text = message
        if !full.isEmpty { text = text.replacing(full, with: target.loggableHost) }
        return text
    }
}
