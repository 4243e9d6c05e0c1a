import Foundation
import Logging
import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting

/// A sandbox CXone tenant and HEC, and pipelines between them built from a real configuration, all
/// on one `ManualClock`.
struct CXoneHarness: Sendable {
    let clock: ManualClock
    let tenant: CXoneTenantEmulator
    let hec: SplunkHECEmulator
    let cxoneURL: String
    let hecURL: String
    let directory: String

    static func with<T: Sendable>(
        tenant tenantConfiguration: CXoneTenantConfiguration = CXoneTenantConfiguration(),
        _ body: @Sendable (CXoneHarness) async throws -> T
    ) async throws -> T {
        let clock = ManualClock()
        let tenant = CXoneTenantEmulator(configuration: tenantConfiguration, clock: clock)
        let hec = SplunkHECEmulator(clock: clock)
        let scratch = try ScratchDirectory("cxone")
        defer { scratch.remove() }
        let directory = scratch.path
        return try await Sandbox.withRunning(cxone: tenant, hec: hec, logger: PipelineHarness.logger) {
            cxoneURL, hecURL in
            try await body(
                CXoneHarness(
                    clock: clock, tenant: tenant, hec: hec, cxoneURL: cxoneURL, hecURL: hecURL, directory: directory))
        }
    }

    /// The YAML a user would write for this sandbox.
    func configurationYAML(pageSize: Int = 100, timezoneOffset: String = "+00:00") -> String {
        let tenant = tenant.configuration
        return """
            allow_inline_secrets: true
            state:
              sqlite:
                path: \(directory)/state.sqlite
            sources:
              cxone:
                type: cxone_audit
                tenant_id: \(tenant.tenantID)
                discovery_url: \(cxoneURL)
                api_base_url: \(cxoneURL)
                access_key_id: \(tenant.accessKeyID)
                access_key_secret: ${CXONE_ACCESS_KEY_SECRET}
                client_id: \(tenant.clientID)
                client_secret: ${CXONE_CLIENT_SECRET}
                page_size: \(pageSize)
                poll_interval_secs: 60
                lookback_secs: 300
                initial_lookback_secs: 3600
                timezone_offset: "\(timezoneOffset)"
            sinks:
              splunk:
                type: splunk_hec
                endpoint: \(hecURL)
                token: \(SplunkHECConfiguration.defaultToken)
                index: ccas
                batch:
                  max_events: 50
                  timeout_secs: 1
            """
    }

    var interpolation: Interpolation {
        let tenant = tenant.configuration
        return Interpolation(environment: { name in
            switch name {
            case "CXONE_ACCESS_KEY_SECRET": tenant.accessKeySecret
            case "CXONE_CLIENT_SECRET": tenant.clientSecret
            default: nil
            }
        })
    }

    /// A fresh runtime over the same state file (a restart).
    func makeRuntime(pageSize: Int = 100, timezoneOffset: String = "+00:00") throws -> RelayRuntime {
        let yaml = configurationYAML(pageSize: pageSize, timezoneOffset: timezoneOffset)
        let configuration = try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
        return try RelayRuntime(configuration: configuration, clock: clock, logger: PipelineHarness.logger)
    }

    /// One `once` run; a helper advances the clock whenever something sleeps on it (retry backoff).
    func runOnce(_ runtime: RelayRuntime) async throws -> RelayRuntime.OnceReport {
        let deadline = clock.now.advanced(by: .seconds(3600))
        return try await clock.driving(step: .seconds(61)) { try await runtime.runOnce(deadline: deadline) }
    }

    /// The `event_id`s the index holds, one per indexed event.
    var indexedEventIDs: [String] { hec.events.compactMap { $0.fields["event_id"]?.stringValue } }
}
