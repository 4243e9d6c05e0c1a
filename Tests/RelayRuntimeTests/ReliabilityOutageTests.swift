import Foundation
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// Destination outages while the real binary delivers one Genesys org to HEC, Datadog and Sumo Logic
/// at once (issue 8): HEC answering 503 code 9, Datadog 429 with `Retry-After`, Sumo 503.
@Suite("Reliability: destination outages", .tags(.reliability))
struct ReliabilityOutageTests {
    /// When an emulator served its first fault and its first success after it (test-process clock).
    struct Outage: Sendable {
        var started: ContinuousClock.Instant
        var ended: ContinuousClock.Instant
        var seconds: Double {
            let (whole, atto) = started.duration(to: ended).components
            return Double(whole) + Double(atto) / 1e18
        }
    }

    /// Watches `faults` and `successes` until the first success after a fault.
    static func watch(faults: @escaping @Sendable () -> Int, successes: @escaping @Sendable () -> Int) async throws
        -> Outage
    {
        let clock = ContinuousClock()
        try await eventually("the first fault") { faults() > 0 }
        let started = clock.now
        try await eventually("recovery", limit: .seconds(180)) { successes() > 0 }
        return Outage(started: started, ended: clock.now)
    }

    @Test(
        "HEC 503 code 9, Datadog 429 Retry-After, Sumo 503: backoff respected, memory bounded, missing 0, nothing dead-lettered",
        .timeLimit(.minutes(4)))
    func destinationOutages() async throws {
        let scale = ReliabilityScale.current
        let records = scale.pick(600, 20_000)
        let hecBusy = scale.pick(12, 60)
        let datadogRetryAfter = 1
        // More failures in a row than max_attempts (5): an outage uses up no attempts.
        let datadogThrottles = scale.pick(6, 8)
        let sumoUnavailable = scale.pick(8, 12)
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing", "Directory"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: SystemClock())
        let hec = SplunkHECEmulator()
        let datadog = DatadogIntakeEmulator()
        let sumo = SumoLogicEmulator()
        let scratch = try ScratchDirectory("outage")
        defer { scratch.remove() }
        hec.injectFaults(Array(repeating: .busy, count: hecBusy))
        datadog.injectFaults(
            Array(repeating: .tooManyRequests(retryAfterSeconds: datadogRetryAfter), count: datadogThrottles))
        sumo.injectFaults(Array(repeating: .unavailable, count: sumoUnavailable))
        org.generate(count: records)

        let result = try await Sandbox.withRunning(datadog: datadog, logger: .reliability) { datadogURL in
            try await Sandbox.withRunning(sumo: sumo, logger: .reliability) { sumoURL in
                try await Sandbox.withRunning(genesys: org, hec: hec, logger: .reliability) { endpoints in
                    let retry = "retry: {initial_backoff_secs: 0.05, max_backoff_secs: 0.4}"
                    let config = try scratch.write(
                        "ccrelay.yaml",
                        """
                        state: {sqlite: {path: \(scratch.path)/state.sqlite}}
                        server: {listen: 127.0.0.1:0, admin_listen: 127.0.0.1:0}
                        sources:
                          genesys: {type: genesys_audit, base_url: "\(endpoints.genesysURL)", client_id: \(org.configuration.clientID), client_secret: "${SECRET}", poll_interval_secs: 1, page_size: 100}
                        sinks:
                          splunk: {type: splunk_hec, endpoint: "\(endpoints.hecURL)", token: "${HEC_TOKEN}", batch: {max_events: 100, timeout_secs: 0.05}, \(retry)}
                          datadog: {type: datadog_logs, endpoint: "\(datadogURL)", api_key: "${DD_KEY}", batch: {max_events: 100, timeout_secs: 0.05}, \(retry)}
                          sumo: {type: sumo_logic, url: "${SUMO_URL}", batch: {max_events: 100, timeout_secs: 0.05}, \(retry)}
                        """)
                    let environment = reliabilitySecrets(org, ["SUMO_URL": sumoURL])
                    let relay = try RelayProcess(
                        config: config, logPath: scratch.path + "/ccrelay.log", environment: environment)
                    defer { if relay.isRunning { relay.kill() } }
                    async let hecOutage = Self.watch(
                        faults: { hec.stats.faultsServed }, successes: { hec.stats.acceptedBatches })
                    async let datadogOutage = Self.watch(
                        faults: { datadog.stats.faultsServed }, successes: { datadog.stats.acceptedRequests })
                    async let sumoOutage = Self.watch(
                        faults: { sumo.stats.faultsServed }, successes: { sumo.stats.acceptedRequests })
                    let outages = try await (hecOutage, datadogOutage, sumoOutage)

                    let expected = pulledEventIDs(org.generatedIDs)
                    try await eventually("Datadog and Sumo complete", limit: .seconds(120), while: relay) {
                        IndexCount(expected: expected, indexed: datadog.logs.compactMap(\.eventID)).missing == 0
                            && IndexCount(expected: expected, indexed: sumo.lines.compactMap(\.eventID)).missing == 0
                    }
                    try await eventually("HEC complete", limit: .seconds(120), while: relay) {
                        IndexCount(
                            expected: expected, indexed: hec.events.compactMap { $0.fields["event_id"]?.stringValue }
                        ).missing == 0
                    }
                    let deadLettered = try Self.deadLettered(config, environment)
                    let memory = relay.memory()
                    let status = relay.terminate()
                    #expect(status == 0, "ccrelay exited \(status): \(relay.logTail())")
                    return (outages, deadLettered, memory.peak)
                }
            }
        }
        let (outages, deadLettered, peak) = result
        let expected = pulledEventIDs(org.generatedIDs)
        let hecCount = IndexCount(
            expected: expected, indexed: hec.events.compactMap { $0.fields["event_id"]?.stringValue })
        let datadogCount = IndexCount(expected: expected, indexed: datadog.logs.compactMap(\.eventID))
        let sumoCount = IndexCount(expected: expected, indexed: sumo.lines.compactMap(\.eventID))
        ReliabilityReport.line(
            "sink-outages",
            [
                "records": records,
                "hec_busy": "\(hecBusy)x503/9 in \(String(format: "%.2f", outages.0.seconds))s",
                "dead_lettered": deadLettered, "hec_missing": hecCount.missing,
                "datadog_429":
                    "\(datadogThrottles)x(Retry-After \(datadogRetryAfter)s) in \(String(format: "%.2f", outages.1.seconds))s",
                "datadog_missing": datadogCount.missing,
                "sumo_503": "\(sumoUnavailable)x in \(String(format: "%.2f", outages.2.seconds))s",
                "sumo_missing": sumoCount.missing,
                "duplicates": hecCount.duplicates + datadogCount.duplicates + sumoCount.duplicates,
                "peak_rss_mib": peak >> 20,
            ])
        #expect(hecCount.missing == 0 && datadogCount.missing == 0 && sumoCount.missing == 0)
        #expect(hecCount.duplicates == 0 && datadogCount.duplicates == 0 && sumoCount.duplicates == 0)
        #expect(
            hec.stats.faultsServed == hecBusy && datadog.stats.faultsServed == datadogThrottles
                && sumo.stats.faultsServed == sumoUnavailable)
        // Retry-After is a floor: the n-th retry comes no sooner than n × Retry-After after the first 429.
        #expect(outages.1.seconds >= Double(datadogThrottles * datadogRetryAfter) - 0.05)
        // Backoff, not a tight loop: a dozen immediate resends would take a few milliseconds.
        #expect(outages.0.seconds >= 0.1)
        #expect(outages.2.seconds >= 0.05)
        #expect(peak < 150 << 20, "peak RSS \(peak >> 20) MiB")
        // Outages are waited out, not dead-lettered: every fault run is longer than max_attempts.
        #expect(deadLettered == 0)
    }

    /// Dead letters in the state store (one row per event), counted with `ccrelay dlq list`; a failed
    /// listing is an error, never a count of zero.
    static func deadLettered(_ config: String, _ environment: [String: String]) throws -> Int {
        let result = try CommandLineTests.runToEnd(
            ["dlq", "list", "--limit", "1000000", "--config", config], environment: environment)
        guard result.status == 0 else {
            throw ReliabilityFailure(description: "ccrelay dlq list exited \(result.status): \(result.errors)")
        }
        let rows = result.output.split(separator: "\n").filter {
            !$0.hasPrefix("ID ") && !$0.hasPrefix("no dead letters")
        }
        return rows.count
    }
}
