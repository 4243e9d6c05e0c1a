import RelayCore

/// Decides whether a matched event fires or is suppressed, from the last time each group fired.
///
/// The state is a value so its owner can persist it (a restart keeps a suppression running).
public struct DetectionThrottle: Sendable, Equatable {
    /// When each group key last fired.
    public private(set) var lastFired: [String: WallInstant]

    public init(lastFired: [String: WallInstant] = [:]) {
        self.lastFired = lastFired
    }

    /// Whether `event` fires `detection` at `now`; a firing records `now` for its group.
    public mutating func admit(_ event: Event, for detection: Detection, at now: WallInstant) -> Bool {
        guard let throttle = detection.throttle else { return true }
        let key = detection.groupKey(of: event)
        if let last = lastFired[key], now < last.advanced(by: throttle.suppress) { return false }
        lastFired[key] = now
        return true
    }
}
