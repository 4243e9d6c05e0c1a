import RelayCore

/// What an alert is about.
public enum AlertKind: String, Sendable, Hashable, CaseIterable {
    /// Dead letters were created by a sink (delivery) or a source (records that never normalized).
    case deadLetters = "dead_letters"
    /// A destination rejects a sink's credential.
    case credentialRejected = "credential_rejected"
    /// A pull source has failed every cycle for longer than `source_failing_secs`.
    case sourceFailing = "source_failing"
    /// The oldest row of a sink's outbox is older than `outbox_age_secs`.
    case outboxStale = "outbox_age"
    /// A sink's acknowledgement polls failed several times in a row (its batches stay pending,
    /// then are resent); cleared by a successful poll.
    case acknowledgementsFailing = "acknowledgements_failing"
}

/// One thing that can be in outage: a kind of problem at one component.
public struct AlertCondition: Sendable, Hashable, CustomStringConvertible {
    public var kind: AlertKind
    /// `sink:NAME` or `source:NAME`.
    public var component: String

    public init(kind: AlertKind, component: String) {
        self.kind = kind
        self.component = component
    }

    /// A condition of the sink named `name`.
    public static func sink(_ kind: AlertKind, _ name: String) -> AlertCondition {
        AlertCondition(kind: kind, component: "sink:\(name)")
    }

    /// A condition of the source named `name`.
    public static func source(_ kind: AlertKind, _ name: String) -> AlertCondition {
        AlertCondition(kind: kind, component: "source:\(name)")
    }

    /// Stable across an outage and its recovery (PagerDuty's `dedup_key`).
    public var key: String { "ccrelay/\(kind.rawValue)/\(component)" }

    public var description: String { "\(kind.rawValue) \(component)" }
}

/// Whether an alert opens or closes an outage.
public enum AlertState: String, Sendable, Equatable {
    case firing
    case resolved
}

/// One message to every target.
public struct AlertNotification: Sendable, Equatable {
    public var condition: AlertCondition
    public var state: AlertState
    /// What is wrong (firing) or that it recovered (resolved); never a secret.
    public var message: String
    public var at: WallInstant

    /// An alert about `condition`, decided `at`.
    public init(condition: AlertCondition, state: AlertState, message: String, at: WallInstant) {
        self.condition = condition
        self.state = state
        self.message = message
        self.at = at
    }
}

/// What one evaluation decided to send.
public enum AlertAction: Sendable, Equatable {
    case fire(AlertNotification)
    case resolve(AlertNotification)

    public var notification: AlertNotification {
        switch self {
        case .fire(let notification), .resolve(let notification): notification
        }
    }
}

/// What an evaluation saw of one condition: active (with what is wrong) or clear.
public struct AlertObservation: Sendable, Equatable {
    public var condition: AlertCondition
    public var active: Bool
    public var message: String

    public init(condition: AlertCondition, active: Bool, message: String = "") {
        self.condition = condition
        self.active = active
        self.message = message
    }

    public static func active(_ condition: AlertCondition, _ message: String) -> AlertObservation {
        AlertObservation(condition: condition, active: true, message: message)
    }

    public static func clear(_ condition: AlertCondition) -> AlertObservation {
        AlertObservation(condition: condition, active: false)
    }
}
