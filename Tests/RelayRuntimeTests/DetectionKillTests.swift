import Foundation
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// Detections through a SIGKILL of the real binary between intake and notification (issue 22).
@Suite("Detections: SIGKILL between intake and notification", .serialized)
struct DetectionKillTests {
    @Test("every matching pushed event alerts exactly once, though ccrelay was killed before its alerts went out")
    func alertsSurviveAKill() async throws {
        var generator = GenesysEventBridgeGenerator(seed: 22)
        let load = generator.generate(count: 40, start: SystemClock().now.timestamp)
        let audits = Set(load.filter { $0.kind == .audit }.map(\.eventID))
        #expect(!audits.isEmpty)
        let receiver = WebhookReceiver()
        let scratch = try ScratchDirectory("detection-kill")
        defer { scratch.remove() }
        try await Sandbox.withRunning(webhook: receiver, logger: PipelineHarness.logger) { url in
            let config = try scratch.write(
                "ccrelay.yaml",
                """
                state: {sqlite: {path: \(scratch.path)/state.sqlite}}
                server: {listen: "127.0.0.1:0", admin_listen: "127.0.0.2:0"}
                sources:
                  push: {type: firehose, access_keys: ["${FIREHOSE_KEY}"]}
                sinks:
                  archive: {type: file, path: \(scratch.path)/out/events.ndjson}
                alerts:
                  targets: {sec: {type: webhook, url: "${HOOK_URL}"}}
                  retry: {max_attempts: 2, initial_backoff_secs: 1, max_backoff_secs: 1}
                detections:
                  any_audit: {pattern: {source_kind: [audit]}, severity: critical, targets: [sec]}
                """)
            let environment = ["FIREHOSE_KEY": PushPathTests.accessKey, "HOOK_URL": url + "/hook"]
            let log = scratch.path + "/ccrelay.log"
            // The alert target is down: the events are durable, their alerts not yet sent.
            receiver.failAll(.status(503))
            let first = try RelayProcess(config: config, logPath: log, environment: environment)
            func firehose(_ port: Int) -> FirehoseDeliveryEmulator {
                FirehoseDeliveryEmulator(
                    configuration: FirehoseDeliveryConfiguration(
                        url: "http://127.0.0.1:\(port)/firehose", accessKey: PushPathTests.accessKey),
                    clock: SystemClock(), logger: PipelineHarness.logger)
            }
            #expect(try await firehose(try await first.waitForListeningPort()).deliver(load) == load.count)
            try await eventually("an alert attempt", while: first) { receiver.attempts > 0 }
            first.kill()
            #expect(receiver.posts.isEmpty)

            receiver.failAll(nil)
            let second = try RelayProcess(config: config, logPath: log, environment: environment)
            let port = try await second.waitForListeningPort()
            try await eventually("every audit's alert", limit: .seconds(30), while: second) {
                Set(receiver.posts.compactMap { $0.json["event_id"]?.stringValue }) == audits
            }
            // Firehose sends the same records again after a restart; the ledger keeps them from firing twice.
            #expect(try await firehose(port).deliver(load) == load.count)
            #expect(second.terminate() == 0)
            let fired = receiver.posts.compactMap { $0.json["event_id"]?.stringValue }
            #expect(fired.count == audits.count, "an audit alerted twice: \(fired.count) alerts for \(audits.count)")
        }
    }
}
