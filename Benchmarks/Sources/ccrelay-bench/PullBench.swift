import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting

/// The pull side against the sandbox Genesys org: API calls per hour when idle, records per API
/// call, and backfill records/s through the asynchronous audit query.
enum PullBench {
    static func run(logger: Logger) async throws {
        say("## Pull: Genesys Cloud audit source against the sandbox org\n")
        say("| figure | value |")
        say("|---|---:|")
        try await steadyState(logger: logger)
        try await backfill(logger: logger)
        say()
    }

    static func yaml(directory: String, genesys: String, hec: String, pageSize: Int) -> String {
        """
        allow_inline_secrets: true
        state: {sqlite: {path: \(directory)/state.sqlite}}
        sources:
          genesys: {type: genesys_audit, base_url: "\(genesys)", client_id: sandbox-client, client_secret: sandbox-secret, page_size: \(pageSize), poll_interval_secs: 60}
        sinks:
          splunk: {type: splunk_hec, endpoint: "\(hec)", token: \(SplunkHECConfiguration.defaultToken), batch: {max_events: 1000}}
        """
    }

    /// One simulated hour of 60-second cycles on a manual clock.
    static func steadyState(logger: Logger) async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock
        )
        let hec = SplunkHECEmulator(clock: clock)
        let directory = try temporaryDirectory("pull")
        try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
            let configuration = try ConfigLoader().load(
                yaml: yaml(directory: directory, genesys: endpoints.genesysURL, hec: endpoints.hecURL, pageSize: 500))
            let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
            org.generate(count: 50_000)
            clock.advance(by: .seconds(1))
            let before = org.stats
            _ = try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(600)))
            let loaded = org.stats
            let calls = (loaded.apiRequests + loaded.tokenRequests) - (before.apiRequests + before.tokenRequests)
            say(
                "| records per API call, 50,000 new records, page_size 500 (token and service mapping included) | \(formatted(50_000 / Double(calls), digits: 1)) |"
            )
            // Let the 5-minute look-back overlap pass those records, then measure an idle hour.
            clock.advance(by: .seconds(400))
            _ = try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(60)))
            let settled = org.stats
            for _ in 0..<60 {
                clock.advance(by: .seconds(60))
                _ = try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(60)))
            }
            let idle = org.stats
            let perHour = (idle.apiRequests + idle.tokenRequests) - (settled.apiRequests + settled.tokenRequests)
            say(
                "| API calls per hour when idle (poll 60 s, \(org.configuration.services.count) services) | \(perHour) |"
            )
            precondition(hec.events.count == 50_000)
        }
    }

    /// Records in the backfill (`BENCH_BACKFILL_RECORDS`, default 1,000,000 as issue 8 asks).
    static let backfillRecords = Int(ProcessInfo.processInfo.environment["BENCH_BACKFILL_RECORDS"] ?? "") ?? 1_000_000

    /// A backfill through the asynchronous query, on the system clock, with the org enforcing
    /// Genesys's 300 requests per minute per token.
    static func backfill(logger: Logger) async throws {
        let records = backfillRecords
        let clock = SystemClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                latePersistence: .zero ... .zero, rateLimitPerMinute: 300, enforcesRateLimit: true, historyPerService: 0
            ),
            clock: clock)
        let hec = SplunkHECEmulator()
        let directory = try temporaryDirectory("backfill")
        try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
            let configuration = try ConfigLoader().load(
                yaml: yaml(directory: directory, genesys: endpoints.genesysURL, hec: endpoints.hecURL, pageSize: 500))
            let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
            let start = clock.now
            org.generate(count: records)
            let request = BackfillRequest(
                source: "genesys", from: start.advanced(by: .seconds(-60)).timestamp,
                to: clock.now.advanced(by: .seconds(60)).timestamp)
            var report: BackfillReport?
            let seconds = try await measure {
                report = try await BackfillOperation(runtime: runtime, clock: clock, logger: logger).run(request)
            }
            precondition(
                report?.succeeded == true && hec.events.count == records, "backfill: \(String(describing: report))")
            say(
                "| backfill records/s (async query, \(formatted(Double(records))) records, extracted and delivered to HEC; org limit 300 requests/min) | \(formatted(Double(records) / seconds)) |"
            )
        }
    }
}
