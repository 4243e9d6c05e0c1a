import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayCXone

/// The shared pull-source contract (``PullSourceCompliance``) for the CXone audit source against the
/// tenant emulator.
@Suite("CXone pull-source compliance", .timeLimit(.minutes(2)))
struct CXonePullSourceComplianceTests {
    @Test("the CXone source keeps the contract", arguments: PullSourceCompliance.cases([CXoneHarness()]))
    func compliance(_ testCase: PullSourceCompliance.Case) async throws {
        try await PullSourceCompliance.run(testCase)
    }
}

/// Sources of campaign changes only (one entity kind, no login history) paging 5 at a time, starting
/// an hour back, re-reading 5 minutes behind their checkpoint.
struct CXoneHarness: PullSourceComplianceHarness {
    var name: String { "CXone audit" }
    var lookback: Duration { .seconds(300) }

    func withPlatform(clock: ManualClock, _ body: @Sendable (PullSourceCompliancePlatform) async throws -> Void)
        async throws
    {
        let tenant = CXoneTenantEmulator(configuration: CXoneTenantConfiguration(), clock: clock)
        try await Sandbox.withRunning(cxone: tenant, logger: quietLogger) { url in
            let lookback = lookback
            try await body(
                PullSourceCompliancePlatform(
                    makeSource: {
                        let tenant = tenant.configuration
                        return try CXoneAuditSource(
                            configuration: CXoneAuditSourceConfiguration(
                                name: "cxone", tenantID: tenant.tenantID, discoveryURL: url, apiBaseURL: url,
                                accessKeyID: tenant.accessKeyID,
                                accessKeySecret: tenant.accessKeySecret, clientID: tenant.clientID,
                                clientSecret: tenant.clientSecret, entities: [.campaigns], collectLogins: false,
                                lookback: lookback,
                                initialLookback: .seconds(3600), pageSize: 5),
                            transport: HTTPTransport(), clock: clock)
                    },
                    addRecords: { tenant.generateChanges(count: $0, kind: .campaigns) },
                    rateLimitNextRequest: { tenant.rateLimitNextRequests(1, retryAfterSeconds: $0) },
                    apiRequests: { tenant.stats.apiRequests }
                ))
        }
    }
}
