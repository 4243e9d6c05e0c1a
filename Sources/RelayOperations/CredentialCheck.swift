import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayHTTP
import RelayRuntime
import RelayState

/// The verdict of `ccrelay check` for one component.
public struct CredentialCheckResult: Sendable, Equatable {
    public enum Component: String, Sendable, Equatable {
        case source
        case sink
    }

    public var component: Component
    public var name: String
    public var status: CredentialStatus

    /// `sink splunk: valid`, `sink splunk: rejected (...)`, `source genesys: unknown (...)`.
    public var line: String {
        let verdict =
            switch status {
            case .valid: "valid"
            case .rejected(let reason): "rejected (\(reason))"
            case .unknown(let reason): "unknown (\(reason))"
            }
        return "\(component.rawValue) \(name): \(verdict)"
    }
}

/// What `ccrelay check` says of one secret: where it came from, which version is in use, and
/// whether the parties using it accept it. Never its value.
public struct SecretCheckResult: Sendable, Equatable {
    public var secret: SecretProvider.Status
    /// The checks of the components whose keys use the secret.
    public var verdicts: [CredentialCheckResult]

    /// `secret ${aws-secretsmanager:prod/hec#token} (sinks.splunk.token): AWS Secrets Manager secret
    /// prod/hec, JSON key token, version 6f1c…; sink splunk: valid`.
    public var line: String {
        var origin = secret.reference.origin
        if let version = secret.version { origin += ", version \(version)" }
        if let modified = secret.modified { origin += ", modified \(modified.iso8601)" }
        if let error = secret.lastError { origin += ", last read failed: \(error)" }
        let accepted = verdicts.isEmpty ? "no component checks it" : verdicts.map(\.line).joined(separator: "; ")
        return "secret \(secret.reference) (\(secret.usedBy.joined(separator: ", "))): \(origin); \(accepted)"
    }
}

/// What `ccrelay check` found.
public struct CredentialCheckReport: Sendable, Equatable {
    public var results: [CredentialCheckResult]
    /// One entry per referenced secret, in the order the file first uses them.
    public var secrets: [SecretCheckResult] = []

    /// Every line `ccrelay check` prints: components, then secrets.
    public var lines: [String] { results.map(\.line) + secrets.map(\.line) }

    /// 0 when every credential is valid or could not be checked; 1 when any was rejected.
    public var exitCode: Int32 {
        results.contains { if case .rejected = $0.status { true } else { false } } ? 1 : 0
    }
}

/// The logic behind `ccrelay check`: asks every sink's destination and every pull source's
/// platform whether the configured credential works, without delivering or extracting anything.
///
/// Components are built against a throwaway state store in a temporary directory, so checking never
/// touches the state (claims, channels) of a pipeline that may be running with the same file.
public enum CredentialCheck {
    /// Checks every source, then every sink, of `configuration`, one after the other.
    /// - Throws: `RelayError` (`state.store`) when the throwaway store cannot be created.
    public static func run(
        configuration: RelayConfiguration,
        transport: HTTPTransport = HTTPTransport(),
        clock: any WallClock = SystemClock(),
        logger: Logger
    ) async throws -> CredentialCheckReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ccrelay-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(
            configuration: SQLiteStateConfiguration(path: directory.appendingPathComponent("check.sqlite").path))
        defer { try? store.close() }
        let context = BuildContext(transport: transport, clock: clock, store: store, logger: logger)
        var results: [CredentialCheckResult] = []
        for blueprint in configuration.sources {
            results.append(
                CredentialCheckResult(
                    component: .source, name: blueprint.name, status: await blueprint.checkCredential(context)))
        }
        for blueprint in configuration.sinks {
            let status: CredentialStatus
            do {
                status = try await blueprint.makeSink(context).checkCredential()
            } catch {
                status = .unknown(reason: "cannot be built: \(error)")
            }
            results.append(CredentialCheckResult(component: .sink, name: blueprint.name, status: status))
        }
        return CredentialCheckReport(results: results, secrets: secretResults(configuration.secrets, results))
    }

    /// Ties every secret to the checks of the components whose keys (`sinks.NAME.token`) use it.
    static func secretResults(_ provider: SecretProvider, _ results: [CredentialCheckResult]) -> [SecretCheckResult] {
        provider.statuses.map { status in
            let verdicts = results.filter { result in
                let prefix = (result.component == .sink ? "sinks." : "sources.") + result.name + "."
                return status.usedBy.contains { $0.hasPrefix(prefix) }
            }
            return SecretCheckResult(secret: status, verdicts: verdicts)
        }
    }
}
