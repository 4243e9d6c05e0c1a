import Foundation
import Logging
import RelayAlerts
import RelayConfig
import RelayCore
import RelayDemo
import RelayGenesys
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelaySinks
import RelayState
import RelayTesting

/// A sandbox Genesys org and HEC, and a pipeline between them built from a real configuration,
/// all on one `ManualClock`. Time moves only when a test says so (or when ``driveClock(_:)`` lets
/// backoff sleeps pass), so every scenario is deterministic and nothing sleeps on the wall clock.
struct PipelineHarness: Sendable {
    let clock: ManualClock
    let org: GenesysOrgEmulator
    let hec: SplunkHECEmulator
    let endpoints: SandboxEndpoints
    let directory: String

    static let logger = Logger.quiet("ccrelay.tests")

    /// Runs `body` with the emulators up. Records become visible at once unless a test inserts
    /// them otherwise.
    static func with<T: Sendable>(
        orgConfiguration: GenesysOrgConfiguration = GenesysOrgConfiguration(
            latePersistence: .zero ... .zero, historyPerService: 0),
        _ body: @Sendable (PipelineHarness) async throws -> T
    ) async throws -> T {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: orgConfiguration, clock: clock)
        let hec = SplunkHECEmulator(clock: clock)
        let scratch = try ScratchDirectory("test")
        defer { scratch.remove() }
        let directory = scratch.path
        return try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
            try await body(
                PipelineHarness(clock: clock, org: org, hec: hec, endpoints: endpoints, directory: directory))
        }
    }

    /// The YAML a user would write for this sandbox.
    func configurationYAML(
        batchMaxEvents: Int = 100, pageSize: Int = 100, maxAttempts: Int = 5,
        hecToken: String = SplunkHECConfiguration.defaultToken
    ) -> String {
        """
        allow_inline_secrets: true
        state:
          sqlite:
            path: \(directory)/state.sqlite
        sources:
          genesys:
            type: genesys_audit
            base_url: \(endpoints.genesysURL)
            client_id: \(org.configuration.clientID)
            client_secret: ${GENESYS_SECRET}
            page_size: \(pageSize)
            poll_interval_secs: 60
            lookback_secs: 300
            initial_lookback_secs: 3600
        routes:
          audits:
            from: [genesys]
            to: [splunk]
        sinks:
          splunk:
            type: splunk_hec
            endpoint: \(endpoints.hecURL)
            token: \(hecToken)
            index: ccas
            ack_poll_interval_secs: 10
            ack_timeout_secs: 300
            batch:
              max_events: \(batchMaxEvents)
              timeout_secs: 1
            retry:
              max_attempts: \(maxAttempts)
              initial_backoff_secs: 1
              max_backoff_secs: 60
        """
    }

    var interpolation: Interpolation {
        let secret = org.configuration.clientSecret
        return Interpolation(environment: { name in
            switch name {
            case "GENESYS_SECRET": secret
            case "HEC_TOKEN": "sandbox-hec-token"
            default: nil
            }
        })
    }

    /// A fresh runtime over the same state file (a restart).
    func makeRuntime(
        batchMaxEvents: Int = 100, pageSize: Int = 100, maxAttempts: Int = 5,
        hecToken: String = SplunkHECConfiguration.defaultToken
    ) throws -> RelayRuntime {
        let yaml = configurationYAML(
            batchMaxEvents: batchMaxEvents, pageSize: pageSize, maxAttempts: maxAttempts, hecToken: hecToken)
        let configuration = try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
        return try RelayRuntime(configuration: configuration, clock: clock, logger: Self.logger)
    }

    /// One `once` run with a generous deadline, letting backoff sleeps pass instantly.
    func runOnce(_ runtime: RelayRuntime, within limit: Duration = .seconds(3600)) async throws
        -> RelayRuntime.OnceReport
    {
        let deadline = clock.now.advanced(by: limit)
        return try await driveClock { try await runtime.runOnce(deadline: deadline) }
    }

    /// Runs `operation` while a helper advances the clock by a minute whenever something sleeps on
    /// it (retry backoff), so waits elapse in virtual time.
    func driveClock<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        try await clock.driving(step: .seconds(61), operation)
    }

    /// The verdict the demo prints, for this sandbox.
    var verification: DemoVerification {
        DemoVerification.compare(
            generatedNativeIDs: org.generatedIDs,
            indexedEventIDs: hec.events.compactMap { $0.fields["event_id"]?.stringValue }
        )
    }
}
