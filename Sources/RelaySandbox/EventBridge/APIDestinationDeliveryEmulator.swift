import Logging
import RelayCore
import RelayHTTP
import Synchronization

/// An Amazon EventBridge rule whose target is an API destination, emulated (PROTOCOLS.md; AWS,
/// "API destinations as targets" and "How EventBridge retries delivering events"):
/// * one event per request: `POST` of the EventBridge event's JSON with the connection's
///   authorization header;
/// * the endpoint has 5 s to answer (the answer time is read on the injected clock, and the
///   transport gives up at the same deadline): a later answer is a timeout, and the event is retried;
/// * retried, honouring `Retry-After`: timeouts, transport failures, 409, 429 and 5xx, with
///   exponential backoff and full jitter, within the retry policy (24 hours and 185 retries by
///   default); an event past them goes to the dead-letter queue (``deadLettered``);
/// * not retried: any other answer outside 2xx (a 400, 401, 403, 404, 413…): to the dead-letter
///   queue at once;
/// * any 2xx: delivered (``delivered``).
public final class APIDestinationDeliveryEmulator: Sendable {
    public let configuration: APIDestinationDeliveryConfiguration
    private let transport: HTTPTransport
    private let clock: any WallClock
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var random: SeededGenerator
        var delivered: [GeneratedPushEvent] = []
        var deadLettered: [GeneratedPushEvent] = []
        var stats = APIDestinationDeliveryStats()
    }

    /// - Parameter clock: drives the retry backoff and times each answer against the deadline.
    public init(
        configuration: APIDestinationDeliveryConfiguration, transport: HTTPTransport = HTTPTransport(),
        clock: any WallClock, logger: Logger
    ) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.state = Mutex(State(random: SeededGenerator(seed: configuration.seed)))
        var logger = logger
        logger[metadataKey: "ccrelay.sandbox"] = "eventbridge_api_destination"
        self.logger = logger
    }

    /// Events answered 2xx in time, in delivery order.
    public var delivered: [GeneratedPushEvent] { state.withLock { $0.delivered } }
    /// Events sent to the dead-letter queue: refused, or past the retry policy.
    public var deadLettered: [GeneratedPushEvent] { state.withLock { $0.deadLettered } }
    public var stats: APIDestinationDeliveryStats { state.withLock { $0.stats } }

    /// Delivers each event, one after the other, retried as the retry policy says. Returns how many
    /// were delivered. Throws only on cancellation.
    @discardableResult
    public func deliver(_ events: [GeneratedPushEvent]) async throws -> Int {
        var count = 0
        for event in events where try await deliver(event) { count += 1 }
        return count
    }

    /// One event, retried as EventBridge does. True when it was answered 2xx in time.
    private func deliver(_ event: GeneratedPushEvent) async throws -> Bool {
        let request = OutboundRequest(
            method: "POST", url: configuration.url,
            headers: [("Content-Type", "application/json"), configuration.authorization], body: event.text,
            timeout: configuration.answerDeadline)
        let giveUpAt = clock.now.advanced(by: configuration.maximumEventAge)
        var ceiling = configuration.initialBackoff
        var retries = 0
        while true {
            try Task.checkCancellation()
            let verdict = try await attempt(request)
            if verdict == .delivered {
                state.withLock {
                    $0.delivered.append(event)
                    $0.stats.delivered += 1
                }
                return true
            }
            let delay: Duration? = state.withLock { state in
                guard case .retry(let retryAfter) = verdict, retries < configuration.maximumRetryAttempts else {
                    return nil
                }
                let drawn = ceiling * Double.random(in: 0...1, using: &state.random)
                return max(drawn, retryAfter ?? .zero)
            }
            guard let delay, clock.now.advanced(by: delay) <= giveUpAt else {
                state.withLock {
                    $0.deadLettered.append(event)
                    $0.stats.deadLettered += 1
                }
                return false
            }
            retries += 1
            state.withLock { $0.stats.retries += 1 }
            try await clock.sleep(for: delay)
            ceiling = min(ceiling * 2, configuration.maxBackoff)
        }
    }

    private enum Verdict: Equatable {
        case delivered
        case refused
        case retry(after: Duration?)
    }

    private func attempt(_ request: OutboundRequest) async throws -> Verdict {
        let start = clock.now
        let response: InboundResponse
        do {
            response = try await transport.send(request)
        } catch  where error.code == .cancelled {
            throw CancellationError()
        } catch {
            state.withLock {
                $0.stats.requests += 1
                $0.stats.timeouts += 1
            }
            logger.debug("sandbox API destination request failed", metadata: ["ccrelay.error": .string(error.message)])
            return .retry(after: nil)
        }
        let late = start.duration(to: clock.now) > configuration.answerDeadline
        state.withLock {
            $0.stats.requests += 1
            if late { $0.stats.timeouts += 1 }
        }
        if late { return .retry(after: nil) }
        switch response.status {
        case 200..<300: return .delivered
        case 409, 429, 500...: return .retry(after: response.retryAfter)
        default: return .refused
        }
    }
}

/// What the sandbox API destination did.
public struct APIDestinationDeliveryStats: Sendable, Equatable {
    /// HTTP requests sent, retries included.
    public var requests = 0
    /// Requests not answered within the deadline (or failed in transport).
    public var timeouts = 0
    public var retries = 0
    public var delivered = 0
    /// Events sent to the dead-letter queue.
    public var deadLettered = 0
    public init() {}
}
