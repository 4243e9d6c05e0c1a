import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting

@testable import RelayCXone

let quietLogger = Logger.quiet("ccrelay.tests.cxone")

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
            // The emulator serves http, which discovery refuses: the API base is named.
            apiBaseURL: url,
            accessKeyID: tenant.configuration.accessKeyID, accessKeySecret: tenant.configuration.accessKeySecret,
            clientID: tenant.configuration.clientID, clientSecret: tenant.configuration.clientSecret,
            initialLookback: .seconds(3600)
        )
        configure(&configuration)
        let source = try CXoneAuditSource(configuration: configuration, transport: HTTPTransport(), clock: clock)
        return try await body(tenant, source, clock)
    }
}
