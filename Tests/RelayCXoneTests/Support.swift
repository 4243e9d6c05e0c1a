import Logging
import RelayCore
import RelayHTTP
import RelaySandbox

@testable import RelayCXone

/// An in-memory ``IntakeSink``: checkpoints per partition, every commit recorded, duplicates by event id.
actor InMemoryIntake: IntakeSink {
    struct Commit: Sendable {
        var partition: String
        var events: [Event]
        var malformed: [MalformedRecord]
        var checkpoint: String?
    }

    private(set) var checkpoints: [String: String] = [:]
    private(set) var commits: [Commit] = []
    private(set) var eventsByID: [String: Event] = [:]
    private(set) var malformed: [MalformedRecord] = []
    private(set) var duplicates = 0

    var events: [Event] { Array(eventsByID.values) }

    func checkpoint(partition: String) async throws -> String? { checkpoints[partition] }

    @discardableResult
    func commit(partition: String, events: [Event], malformed: [MalformedRecord], checkpoint: String?) async throws
        -> AppendResult
    {
        commits.append(Commit(partition: partition, events: events, malformed: malformed, checkpoint: checkpoint))
        if let checkpoint { checkpoints[partition] = checkpoint }
        var result = AppendResult(deadLettered: malformed.count)
        for event in events {
            if eventsByID.updateValue(event, forKey: event.eventID) == nil {
                result.accepted += 1
            } else {
                result.duplicates += 1
                duplicates += 1
            }
        }
        self.malformed += malformed
        return result
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "ccrelay.tests.cxone")
    logger.logLevel = .critical
    return logger
}()

/// Runs `body` with a CXone tenant on a manual clock and a source configured against it.
func withTenant<T: Sendable>(
    tenant tenantConfiguration: CXoneTenantConfiguration = CXoneTenantConfiguration(),
    _ configure: @escaping @Sendable (inout CXoneAuditSourceConfiguration) -> Void = { _ in },
    _ body: @Sendable (CXoneTenantEmulator, CXoneAuditSource, ManualClock) async throws -> T
) async throws -> T {
    let clock = ManualClock()
    let tenant = CXoneTenantEmulator(configuration: tenantConfiguration, clock: clock)
    return try await Sandbox.withRunning(cxone: tenant, logger: quietLogger) { url in
        var configuration = CXoneAuditSourceConfiguration(
            name: "cxone", tenantID: tenant.configuration.tenantID, discoveryURL: url,
            accessKeyID: tenant.configuration.accessKeyID, accessKeySecret: tenant.configuration.accessKeySecret,
            clientID: tenant.configuration.clientID, clientSecret: tenant.configuration.clientSecret,
            initialLookback: .seconds(3600)
        )
        configure(&configuration)
        let source = try CXoneAuditSource(configuration: configuration, transport: HTTPTransport(), clock: clock)
        return try await body(tenant, source, clock)
    }
}
