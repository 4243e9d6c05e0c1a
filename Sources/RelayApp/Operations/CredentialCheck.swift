import Foundation
import Logging
import RelayCore
import RelayGenesys
import RelayHTTP
import RelayState

/// A configured source that can ask its platform whether its credential works, without extracting.
public protocol CredentialCheckingSource: SourceBlueprint {
    func checkCredential(_ context: BuildContext) async -> CredentialStatus
}

extension GenesysAuditSourceConfiguration: CredentialCheckingSource {
    /// Fetches a fresh token with the client credentials (never a cached one).
    public func checkCredential(_ context: BuildContext) async -> CredentialStatus {
        let endpoint = GenesysTokenEndpoint(
            endpoints: endpoints, clientID: clientID, clientSecret: clientSecret, transport: context.transport
        )
        do {
            _ = try await endpoint.fetch()
            return .valid
        } catch where error.code == .authentication {
            return .rejected(reason: error.message)
        } catch {
            return .unknown(reason: error.message)
        }
    }
}

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
        let verdict = switch status {
        case .valid: "valid"
        case .rejected(let reason): "rejected (\(reason))"
        case .unknown(let reason): "unknown (\(reason))"
        }
        return "\(component.rawValue) \(name): \(verdict)"
    }
}

/// What `ccrelay check` found.
public struct CredentialCheckReport: Sendable, Equatable {
    public var results: [CredentialCheckResult]

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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ccrelay-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory.appendingPathComponent("check.sqlite").path))
        defer { try? store.close() }
        let context = BuildContext(transport: transport, clock: clock, store: store, logger: logger)
        var results: [CredentialCheckResult] = []
        for blueprint in configuration.sources {
            results.append(CredentialCheckResult(component: .source, name: blueprint.name, status: await check(blueprint, context)))
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
        return CredentialCheckReport(results: results)
    }

    private static func check(_ blueprint: any SourceBlueprint, _ context: BuildContext) async -> CredentialStatus {
        if let checking = blueprint as? any CredentialCheckingSource {
            return await checking.checkCredential(context)
        }
        do {
            if case .push = try blueprint.makeSource(context) {
                return .unknown(reason: "push source: the platform sends to ccrelay, there is no outbound credential")
            }
        } catch {
            return .unknown(reason: "cannot be built: \(error)")
        }
        return .unknown(reason: "this source type cannot check its credential without extracting")
    }
}
