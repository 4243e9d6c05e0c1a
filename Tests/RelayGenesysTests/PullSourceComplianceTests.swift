import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Testing

@testable import RelayGenesys

/// The shared pull-source contract (``PullSourceCompliance``) for the Genesys audit source against
/// the org emulator.
@Suite("Genesys pull-source compliance", .timeLimit(.minutes(2)))
struct GenesysPullSourceComplianceTests {
    @Test("the Genesys source keeps the contract", arguments: PullSourceCompliance.cases([GenesysHarness()]))
    func compliance(_ testCase: PullSourceCompliance.Case) async throws {
        try await PullSourceCompliance.run(testCase)
    }
}

/// Sources of one service (one partition, so 20 records are four page commits) paging 5 records at a
/// time, starting an hour back, re-reading 5 minutes behind their checkpoint; records are visible as
/// soon as they are made.
struct GenesysHarness: PullSourceComplianceHarness {
    var name: String { "Genesys audit" }
    var lookback: Duration { .seconds(300) }

    func withPlatform(clock: ManualClock, _ body: @Sendable (PullSourceCompliancePlatform) async throws -> Void)
        async throws
    {
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: clock)
        try await Sandbox.withRunning(genesys: org, logger: .quiet("ccrelay.tests.genesys")) { url in
            let lookback = lookback
            try await body(
                PullSourceCompliancePlatform(
                    makeSource: {
                        try GenesysAuditSource(
                            configuration: GenesysAuditSourceConfiguration(
                                name: "genesys", baseURL: url, clientID: org.configuration.clientID,
                                clientSecret: org.configuration.clientSecret, services: ["Routing"], lookback: lookback,
                                initialLookback: .seconds(3600), pageSize: 5),
                            transport: HTTPTransport(), clock: clock)
                    },
                    addRecords: { org.generate(count: $0) },
                    rateLimitNextRequest: { org.rateLimitNextRequests(1, retryAfterSeconds: $0) },
                    apiRequests: { org.stats.apiRequests }
                ))
        }
    }
}
