import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelaySandbox
import RelayTesting

/// The CXone source against the sandbox tenant on a manual clock: records per API call when changes
/// and logins arrive, and API calls per hour in steady state (a quiet tenant; every cycle still
/// lists each entity kind and the agents, and reads the login history of every agent).
enum CXonePullBench {
    static func run(logger: Logger) async throws {
        say("## Pull: NICE CXone audit source against the sandbox tenant\n")
        say("| figure | value |")
        say("|---|---:|")
        let clock = ManualClock()
        let tenant = CXoneTenantEmulator(clock: clock)
        let hec = SplunkHECEmulator(clock: clock)
        let directory = try temporaryDirectory("cxone")
        try await Sandbox.withRunning(cxone: tenant, hec: hec, logger: logger) { cxoneURL, hecURL in
            let configuration = tenant.configuration
            let yaml = """
                allow_inline_secrets: true
                state: {sqlite: {path: \(directory)/state.sqlite}}
                sources:
                  cxone: {type: cxone_audit, tenant_id: \(configuration.tenantID), discovery_url: "\(cxoneURL)", access_key_id: \(configuration.accessKeyID), access_key_secret: \(configuration.accessKeySecret), client_id: \(configuration.clientID), client_secret: \(configuration.clientSecret), page_size: 100, poll_interval_secs: 60}
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(hecURL)", token: \(SplunkHECConfiguration.defaultToken), batch: {max_events: 1000}}
                """
            let runtime = try RelayRuntime(
                configuration: try ConfigLoader().load(yaml: yaml), clock: clock, logger: logger)
            func calls() -> Int {
                tenant.stats.apiRequests + tenant.stats.tokenRequests + tenant.stats.discoveryRequests
            }
            let changes = tenant.generateChanges(count: 5_000).count
            let logins = tenant.generateLogins(count: 1_000).count
            clock.advance(by: .seconds(1))
            let before = calls()
            _ = try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(600)))
            let loaded = calls() - before
            precondition(
                hec.events.count == changes + logins, "cxone: \(hec.events.count) of \(changes + logins) delivered")
            say(
                "| records per API call, \(changes) entity changes and \(logins) logins, top 100 (discovery and token included) | \(formatted(Double(changes + logins) / Double(loaded), digits: 1)) |"
            )
            clock.advance(by: .seconds(400))
            _ = try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(60)))
            let settled = calls()
            for _ in 0..<60 {
                clock.advance(by: .seconds(60))
                _ = try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(60)))
            }
            say(
                "| API calls per hour when quiet (poll 60 s, 6 entity kinds + \(tenant.agentIDs().count) agents' login history) | \(calls() - settled) |"
            )
        }
        say()
    }
}
