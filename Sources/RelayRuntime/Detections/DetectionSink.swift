import CoreMetrics
import Logging
import RelayAlerts
import RelayCore
import RelayHTTP

/// Fires detections. The runtime routes every event matching a detection into this sink's outbox
/// (a tap, see ``EventRouter``), in the same transaction as the event's other outbox rows: a crash
/// between intake and notification loses nothing, and a redelivered event, which the dedup ledger
/// drops, never fires twice. "Delivering" an event posts one alert per matching detection to each of
/// its targets; an alert a target did not take leaves the event in the outbox to be retried (a
/// target that already took it may then see it twice).
///
/// A throttle's last firing per group is kept in the state store's key/value table, so a restart
/// keeps the suppression.
public struct DetectionSink: Sink {
    /// The outbox of detections: a name no configured sink can have.
    public static let sinkName = "@detections"

    public let name = DetectionSink.sinkName
    /// One event per batch: a failed alert retries only its own event.
    public let batch = BatchConfiguration(maxEvents: 1, maxBytes: 64 << 20, timeout: .zero, concurrency: 1)
    /// Many attempts: a target down for a while delays alerts rather than dead-lettering them.
    public let retry = RetryPolicy(maxAttempts: 100, initialBackoff: .seconds(1), maxBackoff: .seconds(60))

    private let detections: [Detection]
    private let senders: [String: AlertSender]
    private let store: any KeyValueStore
    private let clock: any WallClock
    private let fired: [String: Counter]
    private let suppressed: [String: Counter]
    private let logger: Logger

    /// Fires `detections` at the targets of `alerts`; throttles are kept in `store`; `metricsFactory`
    /// makes the fired and suppressed counters.
    public init(
        detections: [Detection], alerts: AlertsConfiguration, transport: HTTPTransport, store: any KeyValueStore,
        clock: any WallClock, metricsFactory: any MetricsFactory, logger: Logger
    ) {
        self.detections = detections
        self.senders = Dictionary(
            alerts.targets.map {
                (
                    $0.name,
                    AlertSender(target: $0, configuration: alerts, transport: transport, clock: clock, logger: logger)
                )
            },
            uniquingKeysWith: { first, _ in first })
        self.store = store
        self.clock = clock
        func counters(_ label: String) -> [String: Counter] {
            Dictionary(
                detections.map {
                    ($0.name, Counter(label: label, dimensions: [("detection", $0.name)], factory: metricsFactory))
                },
                uniquingKeysWith: { first, _ in first })
        }
        self.fired = counters(Self.firedMetric)
        self.suppressed = counters(Self.suppressedMetric)
        self.logger = logger
    }

    /// Alerts posted, per detection.
    public static let firedMetric = "ccrelay_detections_fired_total"
    /// Matches a throttle held back, per detection.
    public static let suppressedMetric = "ccrelay_detections_suppressed_total"

    /// Posts the alerts of each event's matching detections.
    public func deliver(_ entries: [OutboxEntry]) async -> DeliveryOutcome {
        for (index, entry) in entries.enumerated() {
            guard let event = try? JSONParser.parse(entry.payload) else {
                return .poisoned(index: index, reason: "detections: the stored event is not JSON")
            }
            for detection in detections where detection.matcher.matches(event) {
                guard await fire(detection, event: event, eventID: entry.eventID) else {
                    return .retriable(
                        reason: "detection \(detection.name): an alert target did not take the alert", retryAfter: nil)
                }
            }
        }
        return .delivered
    }

    /// Posts `detection`'s alert for `event` unless its throttle holds it back; false when a target
    /// did not take it.
    private func fire(_ detection: Detection, event: JSONValue, eventID: String) async -> Bool {
        let now = clock.now.timestamp.millisecondsSinceEpoch
        let key = "detection.fired." + detection.groupKey(ofJSON: event)
        if let throttle = detection.throttle, let last = await lastFiring(key),
            now - last < Int64(throttle.suppress.seconds * 1000)
        {
            suppressed[detection.name]?.increment()
            return true
        }
        var allTaken = true
        for target in detection.targets {
            guard let sender = senders[target] else { continue }
            let body = DetectionPayload.body(
                detection: detection, event: event, eventID: eventID, target: sender.target)
            let taken = await sender.deliver(
                body: body, metadata: ["ccrelay.detection": "\(detection.name)", "ccrelay.event_id": "\(eventID)"])
            allTaken = allTaken && taken
        }
        guard allTaken else { return false }
        fired[detection.name]?.increment()
        logger.notice(
            "Detection fired", metadata: ["ccrelay.detection": "\(detection.name)", "ccrelay.event_id": "\(eventID)"])
        if detection.throttle != nil {
            do {
                try await store.setValue(String(now), forKey: key)
            } catch {
                logger.warning(
                    "Detection throttle not saved; the next match may alert again",
                    metadata: ["ccrelay.detection": "\(detection.name)", "ccrelay.error": "\(error)"])
            }
        }
        return true
    }

    private func lastFiring(_ key: String) async -> Int64? {
        guard let text = try? await store.value(forKey: key) else { return nil }
        return Int64(text)
    }
}
