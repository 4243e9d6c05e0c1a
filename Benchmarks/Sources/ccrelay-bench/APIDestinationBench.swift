import Foundation
import Logging
import RelayCore
import RelayHTTP
import RelaySandbox

/// The EventBridge API destination receiver's answer time under load (issue 21): EventBridge gives
/// the endpoint 5 s, then retries. The pipeline runs in a child process (``PipelineProcess``, default
/// receiver settings, SQLite state, a HEC sink draining behind it); 32 concurrent senders post one
/// EventBridge event per request, as EventBridge does, and each answer's time is recorded.
enum APIDestinationBench {
    static let events = Int(ProcessInfo.processInfo.environment["BENCH_API_DESTINATION_EVENTS"] ?? "") ?? 20_000
    static let senders = 32

    static func run(logger: Logger) async throws {
        say("## EventBridge API destination: answer time under load (5 s deadline)\n")
        let directory = try temporaryDirectory("api-destination")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = GenesysEventBridgeGenerator(seed: 31)
        let load = generator.generate(count: events, start: SystemClock().now.timestamp)
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: logger) { hecURL in
            let child = try PipelineProcess(directory: directory, hecURL: hecURL)
            defer { child.kill() }
            let url = child.receiverURL.replacingOccurrences(of: "/firehose", with: "/eventbridge")
            let transport = HTTPTransport()
            let start = ContinuousClock.now
            let (latencies, failures) = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
                for sender in 0..<senders {
                    group.addTask {
                        var latencies: [Double] = []
                        var failures = 0
                        for index in stride(from: sender, to: load.count, by: senders) {
                            let request = OutboundRequest(
                                method: "POST", url: url,
                                headers: [
                                    ("Content-Type", "application/json"), ("x-api-key", PushMemoryBench.accessKey),
                                ],
                                body: load[index].text, timeout: .seconds(5))
                            let sent = ContinuousClock.now
                            let status = try? await transport.send(request).status
                            latencies.append((ContinuousClock.now - sent).seconds * 1000)
                            if status != 200 { failures += 1 }
                        }
                        return (latencies, failures)
                    }
                }
                var all: [Double] = []
                var failed = 0
                for try await (part, failures) in group {
                    all += part
                    failed += failures
                }
                return (all.sorted(), failed)
            }
            let seconds = (ContinuousClock.now - start).seconds
            func percentile(_ p: Double) -> String {
                formatted(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))], digits: 1)
            }
            say("| events | senders | events/s | p50 ms | p99 ms | max ms | not answered 200 within 5 s |")
            say("|---:|---:|---:|---:|---:|---:|---:|")
            say(
                "| \(load.count) | \(senders) | \(formatted(Double(load.count) / seconds)) | \(percentile(0.5)) | \(percentile(0.99)) | \(formatted(latencies.last ?? 0, digits: 1)) | \(failures) |"
            )
            say()
        }
    }
}
