import Foundation
import Logging
import RelayAlerts
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayState
import RelayTesting
import Testing

/// Issue 7 item 4: several `ccrelay run` processes share one PostgreSQL state store (the server
/// `scripts/test` starts, in `CCRELAY_TEST_POSTGRES_URL`; without it this test fails and says so).
@Suite("Several instances on one PostgreSQL store", .serialized)
struct MultiInstanceTests {
    static let leaseSecs = 3
    static let batchSize = 25

    @Test(
        "three instances, one SIGKILLed mid-run: every record delivered, only resent batches twice, its sources taken over by a survivor",
        .timeLimit(.minutes(2)))
    func killOneOfThree() async throws {
        let url = try #require(
            ProcessInfo.processInfo.environment["CCRELAY_TEST_POSTGRES_URL"],
            "CCRELAY_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL for this test")
        let logger = Self.quietLogger
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0),
            clock: SystemClock())
        let hec = SplunkHECEmulator()
        let scratch = try ScratchDirectory("multi")
        defer { scratch.remove() }
        let directory = scratch.url
        let schema = "multi_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        // Three sources over disjoint services of one org, so each record has exactly one puller.
        let sources = [
            "genesys_a": ["Routing", "Directory"], "genesys_b": ["Authorization", "OAuth", "Presence"],
            "genesys_c": ["Architect", "Telephony"],
        ]
        let observer = try PostgresStateConfiguration(url: url, schema: String(schema))
        let store = PostgresStateStore(configuration: observer, logger: logger)

        try await store.whileRunning {
            try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
                let sourceYAML = sources.keys.sorted().map { (name: String) -> String in
                    let services = sources[name]!.joined(separator: ", ")
                    return
                        "  \(name): {type: genesys_audit, base_url: \"\(endpoints.genesysURL)\", client_id: \(org.configuration.clientID), client_secret: \"${env:SECRET}\", services: [\(services)], poll_interval_secs: 1, page_size: 100}"
                }.joined(separator: "\n")
                let config = directory.appendingPathComponent("ccrelay.yaml")
                try """
                server: {listen: 127.0.0.1:0, admin_listen: 127.0.0.1:0}
                state:
                  postgres: {url: "${env:CCRELAY_TEST_POSTGRES_URL}", pool_size: 4, schema: \(schema)}
                  lease_secs: \(Self.leaseSecs)
                  outbox_claim_secs: 5
                sources:
                \(sourceYAML)
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(endpoints.hecURL)", token: "${env:HEC_TOKEN}", batch: {max_events: \(Self.batchSize), timeout_secs: 0.05}}
                """.write(to: config, atomically: true, encoding: .utf8)
                let environment = [
                    "SECRET": org.configuration.clientSecret, "HEC_TOKEN": SplunkHECConfiguration.defaultToken,
                ]

                org.generate(count: 1_500)
                var instances = try (0..<3).map { index in
                    try RelayProcess(
                        config: config.path, logPath: directory.appendingPathComponent("instance-\(index).log").path,
                        environment: environment, logLevel: "notice")
                }
                defer { for instance in instances where instance.isRunning { instance.kill() } }

                // Every source is pulled by some instance before the kill.
                var owners: [String: Int32] = [:]
                try await Self.eventually("every source leased", instances) {
                    owners = try await Self.leaseOwners(store, sources: Array(sources.keys))
                    return owners.count == sources.count
                }
                await hec.waitForEvents(count: 300)

                // Kill the instance pulling the most sources, mid-delivery.
                let victimPID = Dictionary(grouping: owners.values, by: { $0 }).max { $0.value.count < $1.value.count }!
                    .key
                let victim = try #require(instances.first { $0.pid == victimPID })
                let orphaned = owners.filter { $0.value == victimPID }.map(\.key)
                victim.kill()
                let killedAt = ContinuousClock.now
                instances.removeAll { $0.pid == victimPID }
                let atKill = Set(hec.events.compactMap { $0.fields["event_id"]?.stringValue }).count

                // Records that only the survivors can pull.
                org.generate(count: 500)
                let generated = 2_000

                var takeover: Duration = .zero
                try await Self.eventually("the killed instance's sources taken over", instances) {
                    let now = try await Self.leaseOwners(store, sources: orphaned)
                    guard now.count == orphaned.count, now.values.allSatisfy({ $0 != victimPID }) else { return false }
                    takeover = ContinuousClock.now - killedAt
                    return true
                }

                try await Self.eventually("every record indexed", instances) {
                    Set(hec.events.compactMap { $0.fields["event_id"]?.stringValue }).count >= generated
                }
                for instance in instances {
                    #expect(instance.terminate() == 0, "graceful stop: \(instance.logTail())")
                }

                let verification = DemoVerification.compare(
                    generatedNativeIDs: org.generatedIDs,
                    indexedEventIDs: hec.events.compactMap { $0.fields["event_id"]?.stringValue })
                print(
                    "multi-instance: instances=3 killed_pid=\(victimPID) orphaned_sources=\(orphaned.count) lease_secs=\(Self.leaseSecs) "
                        + "takeover_secs=\(String(format: "%.2f", takeover.seconds)) indexed_at_kill=\(atKill) \(verification)"
                )
                #expect(atKill < generated)
                #expect(verification.missing == 0)
                #expect(verification.delivered == generated)
                // Only batches sent again can arrive twice: the one the killed instance had in flight (no-ack
                // token: one at a time), and at most one more resent after a request timeout on this loaded
                // machine. Never a second copy of pulled records (the shared ledger).
                #expect(verification.duplicates <= 2 * Self.batchSize)
                // Its sources moved to a survivor. How soon is measured here and printed (a wall-clock figure
                // on a shared machine, so not asserted); that no survivor pulls before the lease lapses and one
                // takes over when it does is asserted on a manual clock in LeasedPullTests.
                #expect(takeover > .zero)
                #expect(!orphaned.isEmpty)
            }
        }
    }

    /// Which process holds each source's lease now (unexpired rows only).
    static func leaseOwners(_ store: PostgresStateStore, sources: [String]) async throws -> [String: Int32] {
        let now = SystemClock().now.timestamp
        var owners: [String: Int32] = [:]
        for source in sources {
            guard let lease = try await store.lease(source: source, partition: PartitionLeaseKeeper.wholeSource),
                lease.expiresAt > now
            else { continue }
            // Owners read host:pid:random.
            let parts = lease.owner.split(separator: ":")
            if parts.count >= 3, let pid = Int32(parts[parts.count - 2]) { owners[source] = pid }
        }
        return owners
    }

    static let quietLogger = Logger.quiet("ccrelay.tests.multi")

    /// Awaits a condition about other processes, looking every 50 ms; fails when one of the
    /// instances exits meanwhile (the test's time limit bounds the wait).
    static func eventually(_ what: String, _ instances: [RelayProcess], _ condition: () async throws -> Bool)
        async throws
    {
        while try await !condition() {
            if let dead = instances.first(where: { !$0.isRunning }) {
                Issue.record("an instance exited while waiting for \(what): \(dead.logTail())")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
