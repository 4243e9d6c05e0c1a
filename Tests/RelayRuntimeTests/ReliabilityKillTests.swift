import Foundation
import RelayCore
import RelayTesting
import Testing

@testable import RelaySandbox

/// SIGKILL of the real binary at random moments under push and pull load (issue 8).
@Suite("Reliability: SIGKILL", .tags(.reliability), .serialized)
struct ReliabilityKillTests {
    /// Where in ccrelay's work a kill lands.
    enum Moment: CaseIterable {
        /// As soon as it listens: while it recovers claimed rows and the first cycle starts.
        case startup
        /// After the index grew by a few batches: mid-delivery.
        case delivering
        /// After the receiver acknowledged a few more Firehose requests: mid-intake.
        case receiving
    }

    @Test(
        "SIGKILL 20 times at random moments under push and pull load: missing 0, duplicates only from in-flight batches",
        .timeLimit(.minutes(4)))
    func killRepeatedly() async throws {
        let kills = ReliabilityScale.current.pick(20, 60)
        let batchSize = 50
        let workers = 2
        let seed = reliabilitySeed()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing", "Directory", "Presence"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: SystemClock())
        let hec = SplunkHECEmulator()
        let scratch = try ScratchDirectory("kill")
        defer { scratch.remove() }
        let push = PushLoad(eventsPerRequest: 40)

        let (moments, peakRSS) = try await Sandbox.withRunning(genesys: org, hec: hec, logger: .reliability) {
            endpoints in
            var random = SeededGenerator(seed: seed)
            var moments: [Moment: Int] = [:]
            var peakRSS = 0
            let config = try scratch.write(
                "ccrelay.yaml",
                """
                state: {sqlite: {path: \(scratch.path)/state.sqlite}}
                server: {listen: "127.0.0.1:0", admin_listen: "127.0.0.2:0"}
                sources:
                  genesys: {type: genesys_audit, base_url: "\(endpoints.genesysURL)", client_id: \(org.configuration.clientID), client_secret: "${SECRET}", poll_interval_secs: 1, page_size: 100}
                  push: {type: firehose, access_keys: ["${FIREHOSE_KEY}"]}
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(endpoints.hecURL)", token: "${HEC_TOKEN}", batch: {max_events: \(batchSize), timeout_secs: 0.05, concurrency: \(workers)}}
                """)
            let environment = reliabilitySecrets(org)
            let log = scratch.path + "/ccrelay.log"
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await push.run(seed: seed) }
                for _ in 0..<kills {
                    org.generate(count: Int.random(in: 20...80, using: &random))
                    let relay = try RelayProcess(config: config, logPath: log, environment: environment)
                    push.target("http://127.0.0.1:\(try await relay.waitForListeningPort())")
                    let moment = random.pick(Moment.allCases)
                    moments[moment, default: 0] += 1
                    switch moment {
                    case .startup:
                        break
                    case .delivering:
                        let target = hec.stats.acceptedBatches + Int.random(in: 1...4, using: &random)
                        try await eventually("HEC batches", while: relay) { hec.stats.acceptedBatches >= target }
                    case .receiving:
                        let target = push.snapshot.accepted + Int.random(in: 1...3, using: &random)
                        try await eventually("Firehose acknowledgements", while: relay) {
                            push.snapshot.accepted >= target
                        }
                    }
                    peakRSS = max(peakRSS, relay.memory().peak)
                    relay.kill()
                    push.target(nil)
                }
                // The last run: load stops, everything generated must arrive, SIGTERM exits 0.
                let relay = try RelayProcess(config: config, logPath: log, environment: environment)
                push.target("http://127.0.0.1:\(try await relay.waitForListeningPort())")
                push.stop()
                try await group.waitForAll()
                let expected = pulledEventIDs(org.generatedIDs).union(push.snapshot.generated)
                try await eventually("every event indexed", limit: .seconds(120), while: relay) {
                    IndexCount(
                        expected: expected, indexed: hec.events.compactMap { $0.fields["event_id"]?.stringValue }
                    ).missing == 0
                }
                peakRSS = max(peakRSS, relay.memory().peak)
                let status = relay.terminate()
                #expect(status == 0, "ccrelay exited \(status) on SIGTERM: \(relay.logTail())")
            }
            return (moments, peakRSS)
        }

        let pushed = push.snapshot
        let expected = pulledEventIDs(org.generatedIDs).union(pushed.generated)
        let count = IndexCount(
            expected: expected, indexed: hec.events.compactMap { $0.fields["event_id"]?.stringValue })
        ReliabilityReport.line(
            "sigkill",
            [
                "kills": kills, "seed": seed, "pulled": org.generatedIDs.count, "pushed": pushed.generated.count,
                "firehose_retries": pushed.refused + pushed.unreachable, "at_startup": moments[.startup, default: 0],
                "mid_delivery": moments[.delivering, default: 0], "mid_intake": moments[.receiving, default: 0],
                "missing": count.missing, "duplicates": count.duplicates,
                "duplicate_bound": kills * batchSize * workers,
                "peak_rss_mib": peakRSS >> 20,
            ])
        #expect(count.missing == 0, "\(count)")
        #expect(pushed.acknowledged.count == pushed.generated.count)
        // Without indexer acknowledgement, only the batches in flight at a kill (one per worker) can be sent twice.
        #expect(count.duplicates <= kills * batchSize * workers, "\(count)")
    }
}
