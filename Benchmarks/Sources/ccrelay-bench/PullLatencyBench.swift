import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelaySandbox
import ServiceLifecycle

/// Event-visible-to-delivered latency of the pull path on the system clock: the sandbox org makes
/// `perSecond` records visible every second for `seconds`, `ccrelay run`'s services poll it every
/// `pollInterval` and deliver to the sandbox HEC; each record's latency is from the second it became
/// visible until the index held it (the index is looked at every 50 ms).
enum PullLatencyBench {
    static let pollInterval = 10
    static let seconds = 60
    static let perSecond = 20

    static func run(logger: Logger) async throws {
        say("## Pull: event visible → delivered latency (system clock)\n")
        let clock = SystemClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock
        )
        let hec = SplunkHECEmulator()
        let directory = try temporaryDirectory("pull-latency")
        try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
            let yaml = """
                allow_inline_secrets: true
                state: {sqlite: {path: \(directory)/state.sqlite}}
                sources:
                  genesys: {type: genesys_audit, base_url: "\(endpoints.genesysURL)", client_id: sandbox-client, client_secret: sandbox-secret, poll_interval_secs: \(pollInterval)}
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(endpoints.hecURL)", token: \(SplunkHECConfiguration.defaultToken), batch: {max_events: 500, timeout_secs: 1}}
                """
            let runtime = try RelayRuntime(configuration: try ConfigLoader().load(yaml: yaml), logger: logger)
            let group = ServiceGroup(services: runtime.services(), logger: logger)
            let latencies: [Double] = try await withThrowingTaskGroup(of: [Double]?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                let continuous = ContinuousClock()
                let start = continuous.now
                var visibleAt: [String: ContinuousClock.Instant] = [:]
                var latencies: [Double] = []
                var seen = 0
                var second = 0
                while second < seconds || latencies.count < seconds * perSecond {
                    if second < seconds, continuous.now >= start.advanced(by: .seconds(second)) {
                        let now = continuous.now
                        for id in org.generate(count: perSecond) {
                            visibleAt[EventID.make(platform: .genesys, nativeID: id)] = now
                        }
                        second += 1
                    }
                    let events = hec.events
                    for event in events[seen...] {
                        if let id = event.fields["event_id"]?.stringValue, let visible = visibleAt[id] {
                            latencies.append((continuous.now - visible).seconds)
                        }
                    }
                    seen = events.count
                    guard continuous.now < start.advanced(by: .seconds(seconds + 5 * pollInterval)) else { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                await group.triggerGracefulShutdown()
                return latencies
            }
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> Double {
                sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            }
            say("| figure | value |")
            say("|---|---:|")
            say(
                "| records made visible (\(perSecond)/s for \(seconds) s) / delivered | \(seconds * perSecond) / \(sorted.count) |"
            )
            say("| latency p50 (poll interval \(pollInterval) s) | \(formatted(percentile(0.5), digits: 1)) s |")
            say("| latency p99 | \(formatted(percentile(0.99), digits: 1)) s |")
            say("| latency max | \(formatted(sorted.last ?? .nan, digits: 1)) s |")
            say()
        }
    }
}
