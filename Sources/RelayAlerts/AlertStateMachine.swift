import RelayCore

/// The outage state of one condition: a pure value that turns observations into at most one
/// alert per outage and one recovery.
///
/// * A condition fires once it has been active continuously for `fireAfter` (zero: at once).
/// * While firing, further active observations send nothing.
/// * It resolves once it has been clear continuously for `resolveAfter`; an active observation
///   before then cancels the recovery, so a flapping condition stays one alert.
/// * A condition that clears before it fired sends nothing.
public struct AlertTracker: Sendable, Equatable {
    /// Where the condition stands.
    public enum Phase: Sendable, Equatable {
        /// Not in outage (never was, or recovered).
        case clear
        /// Active since the instant, not yet long enough to fire.
        case pending(since: WallInstant)
        /// Alerted; `clearSince` is set while it looks recovered.
        case firing(clearSince: WallInstant?)
    }

    public let condition: AlertCondition
    public let fireAfter: Duration
    public let resolveAfter: Duration
    public private(set) var phase: Phase = .clear
    /// The message of the firing alert, repeated in its recovery.
    private var firedMessage = ""

    /// A clear tracker: fires after `fireAfter` of continuous activity, resolves after `resolveAfter` clear.
    public init(condition: AlertCondition, fireAfter: Duration, resolveAfter: Duration) {
        self.condition = condition
        self.fireAfter = fireAfter
        self.resolveAfter = resolveAfter
    }

    /// Feeds one observation taken at `now`; returns the alert to send, if any.
    public mutating func evaluate(active: Bool, message: String, at now: WallInstant) -> [AlertAction] {
        switch (phase, active) {
        case (.clear, false):
            return []
        case (.clear, true):
            phase = .pending(since: now)
            return fireIfDue(since: now, message: message, at: now)
        case (.pending(let since), true):
            return fireIfDue(since: since, message: message, at: now)
        case (.pending, false):
            phase = .clear
            return []
        case (.firing, true):
            phase = .firing(clearSince: nil)
            return []
        case (.firing(let clearSince), false):
            let since = clearSince ?? now
            guard since.duration(to: now) >= resolveAfter else {
                phase = .firing(clearSince: since)
                return []
            }
            phase = .clear
            let text = "recovered: \(firedMessage)"
            return [.resolve(AlertNotification(condition: condition, state: .resolved, message: text, at: now))]
        }
    }

    private mutating func fireIfDue(since: WallInstant, message: String, at now: WallInstant) -> [AlertAction] {
        guard since.duration(to: now) >= fireAfter else { return [] }
        phase = .firing(clearSince: nil)
        firedMessage = message
        return [.fire(AlertNotification(condition: condition, state: .firing, message: message, at: now))]
    }
}

/// Every condition's tracker, created on first observation with the thresholds of its kind.
public struct AlertStateMachine: Sendable, Equatable {
    public let sourceFailingAfter: Duration
    public let resolveAfter: Duration
    public private(set) var trackers: [AlertCondition: AlertTracker] = [:]

    /// - Parameters:
    ///   - sourceFailingAfter: How long a source must keep failing before it fires; every other
    ///     kind fires at its first active observation (its threshold is in what is observed).
    ///   - resolveAfter: How long a condition must stay clear before it resolves.
    public init(sourceFailingAfter: Duration, resolveAfter: Duration) {
        self.sourceFailingAfter = sourceFailingAfter
        self.resolveAfter = resolveAfter
    }

    /// A machine with the thresholds of an `alerts:` section.
    public init(configuration: AlertsConfiguration) {
        self.init(sourceFailingAfter: configuration.sourceFailingAfter, resolveAfter: configuration.resolveAfter)
    }

    /// Feeds one evaluation's observations (conditions not observed keep their state); returns the
    /// alerts to send, in observation order.
    public mutating func evaluate(_ observations: [AlertObservation], at now: WallInstant) -> [AlertAction] {
        var actions: [AlertAction] = []
        for observation in observations {
            let condition = observation.condition
            var tracker =
                trackers[condition]
                ?? AlertTracker(
                    condition: condition,
                    fireAfter: condition.kind == .sourceFailing ? sourceFailingAfter : .zero,
                    resolveAfter: resolveAfter
                )
            actions += tracker.evaluate(active: observation.active, message: observation.message, at: now)
            trackers[condition] = tracker
        }
        return actions
    }

    /// Conditions currently alerted.
    public var firing: Set<AlertCondition> {
        Set(trackers.values.filter { if case .firing = $0.phase { true } else { false } }.map(\.condition))
    }
}
