import Foundation
import RelayCore
import RelaySinks
import RelayState
import RelayTesting

/// Outbox rows and configurations shared by the Splunk HEC tests.
enum Fixtures {
    static let token = "sandbox-hec-token"

    static func entry(_ number: Int, platform: Platform = .genesys, ms: Int64 = 1_624_633_912_435) -> OutboxEntry {
        let event = SampleEvents.event(number, platform: platform, ms: ms)
        return OutboxEntry(
            id: Int64(number), eventID: event.eventID, timestamp: event.timestamp, platform: platform,
            payload: event.encoded(), enqueuedAt: event.timestamp
        )
    }

    /// A state store in a new temporary directory (the sink keeps its HEC channel there).
    static func temporaryStore() throws -> SQLiteStateStore {
        let directory = try ScratchDirectory("sinks")
        return try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory.file("state.sqlite")))
    }

    static func configuration(
        endpoint: String = "http://127.0.0.1:9",
        token: String = Fixtures.token,
        index: String? = "ccas",
        source: String? = nil,
        host: String? = "relay-01",
        gzip: Bool = true
    ) -> SplunkHECSinkConfiguration {
        SplunkHECSinkConfiguration(
            name: "splunk", endpoints: [endpoint], token: token, index: index, source: source, host: host, gzip: gzip,
            requestTimeout: .seconds(10)
        )
    }
}

/// The fates, for comparing outcomes without their exact wording.
enum Fate: Equatable, CustomStringConvertible {
    case delivered
    case retriable(retryAfter: Duration?)
    case unavailable(retryAfter: Duration?)
    case rejected
    case credentialRejected
    case partial
    case poisoned(index: Int?)
    case awaitingAcknowledgement

    init(_ outcome: DeliveryOutcome) {
        switch outcome {
        case .delivered: self = .delivered
        case .retriable(_, let retryAfter): self = .retriable(retryAfter: retryAfter)
        case .unavailable(_, let retryAfter): self = .unavailable(retryAfter: retryAfter)
        case .rejected: self = .rejected
        case .credentialRejected: self = .credentialRejected
        case .partial: self = .partial
        case .poisoned(let index, _, _): self = .poisoned(index: index)
        case .awaitingAcknowledgement: self = .awaitingAcknowledgement
        }
    }

    var description: String {
        switch self {
        case .delivered: "delivered"
        case .retriable(let retryAfter): "retriable(retryAfter: \(retryAfter.map { "\($0)" } ?? "nil"))"
        case .unavailable(let retryAfter): "unavailable(retryAfter: \(retryAfter.map { "\($0)" } ?? "nil"))"
        case .rejected: "rejected"
        case .credentialRejected: "credentialRejected"
        case .partial: "partial"
        case .poisoned(let index): "poisoned(index: \(index.map(String.init) ?? "nil"))"
        case .awaitingAcknowledgement: "awaitingAcknowledgement"
        }
    }
}

extension DeliveryOutcome {
    /// The reason of a failure; empty for `.delivered`.
    var reason: String {
        switch self {
        case .delivered: ""
        case .retriable(let reason, _), .unavailable(let reason, _), .rejected(let reason),
            .credentialRejected(let reason):
            reason
        case .partial(let fates): fates.retryReason
        case .poisoned(_, let reason, _): reason
        case .awaitingAcknowledgement: ""
        }
    }
}
