/// Keeps a rotating credential's current value (ccrelay's secret provider implements it).
public protocol CredentialSource: Sendable {
    /// The value to use now.
    var currentValue: String { get }
    /// The remote party refused `value`: re-read the secret now. Returns true when the value now
    /// current differs from `value`, so the caller may retry at once with it.
    func reread(afterRejecting value: String) async -> Bool
}

/// A credential a component reads each time it uses it (a HEC token, an API key, a client secret,
/// a Sumo Logic source URL), so a rotated secret is picked up without a restart.
///
/// Either inline (a fixed value) or backed by a ``CredentialSource`` that re-reads the secret on
/// its refresh interval and when a party rejects it. `description` names the reference, never the
/// value. Two credentials are equal when their current values are.
public struct Credential: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    private enum Storage: Sendable {
        case fixed(String)
        case source(any CredentialSource)
    }

    /// How the configuration names the secret (`${file:/run/secrets/hec}`), or `nil` for an inline
    /// value. Safe to print.
    public let reference: String?
    private let storage: Storage

    /// A fixed, inline credential.
    public init(_ value: String) {
        reference = nil
        storage = .fixed(value)
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// A credential kept current by `source`; `reference` names it in messages.
    public init(reference: String, source: any CredentialSource) {
        self.reference = reference
        storage = .source(source)
    }

    /// The value to send now (a secret: never log it).
    public var value: String {
        switch storage {
        case .fixed(let value): value
        case .source(let source): source.currentValue
        }
    }

    /// Whether the value is empty now.
    public var isEmpty: Bool { value.isEmpty }

    /// Names the credential in messages: `secret ${aws-secretsmanager:prod/hec#token}` or
    /// `inline credential`.
    public var label: String { reference.map { "secret \($0)" } ?? "inline credential" }

    public var description: String { "Credential(\(reference ?? "<inline>"))" }

    public static func == (lhs: Credential, rhs: Credential) -> Bool { lhs.value == rhs.value }

    /// The party refused `value`: re-reads the secret. True when a different value is now current
    /// (always false for an inline credential).
    public func reread(afterRejecting value: String) async -> Bool {
        guard case .source(let source) = storage else { return false }
        return await source.reread(afterRejecting: value)
    }

    /// Sends with the current value; when the destination rejects it, re-reads the secret and, if it
    /// changed, sends once more with the new value. A rejection that stands names the reference.
    public func deliver(_ attempt: (String) async -> DeliveryOutcome) async -> DeliveryOutcome {
        let used = value
        let outcome = await attempt(used)
        guard case .credentialRejected(let reason) = outcome else { return outcome }
        if await reread(afterRejecting: used) {
            return annotated(await attempt(value))
        }
        return .credentialRejected(reason: rejectionNote(reason))
    }

    /// ``deliver(_:)`` for a credential check.
    public func check(_ attempt: (String) async -> CredentialStatus) async -> CredentialStatus {
        let used = value
        let status = await attempt(used)
        guard case .rejected(let reason) = status else { return status }
        if await reread(afterRejecting: used) {
            let again = await attempt(value)
            if case .rejected(let reason) = again { return .rejected(reason: rejectionNote(reason)) }
            return again
        }
        return .rejected(reason: rejectionNote(reason))
    }

    private func annotated(_ outcome: DeliveryOutcome) -> DeliveryOutcome {
        if case .credentialRejected(let reason) = outcome { return .credentialRejected(reason: rejectionNote(reason)) }
        return outcome
    }

    /// `reason` followed by which credential was refused and that re-reading it did not help.
    public func rejectionNote(_ reason: String) -> String {
        guard let reference else { return reason }
        return "\(reason) [secret \(reference), re-read after the rejection: no newer value]"
    }
}

/// A value that can stand for a ``Credential``: a `String` (inline) or a credential itself, so
/// configurations accept either.
public protocol CredentialConvertible: Sendable {
    var credential: Credential { get }
}

extension String: CredentialConvertible {
    /// This string as an inline credential.
    public var credential: Credential { Credential(self) }
}

extension Credential: CredentialConvertible {
    public var credential: Credential { self }
}
