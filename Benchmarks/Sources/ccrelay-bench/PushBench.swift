import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayHTTP
import RelayRuntime
import RelaySandbox
import ServiceLifecycle

/// The push path end to end on this machine: the sandbox Firehose posts gzip batches of 500
/// EventBridge events → ccrelay's receiver (durable in SQLite before 200) → outbox → Splunk HEC sink
/// with indexer acknowledgement → sandbox HEC. Beside it, the same load through the usual Python
/// script (http.server + json + requests), measured in the same run.
enum PushBench {
    static let events = Int(ProcessInfo.processInfo.environment["BENCH_PUSH_EVENTS"] ?? "") ?? 100_000
    static let concurrentStreams = 4

    static func run(logger: Logger, baselineScript: String?) async throws {
        say("## Push end to end: Firehose → receiver → durable outbox → HEC with acks → sandbox HEC\n")
        var generator = GenesysEventBridgeGenerator(seed: 11)
        let load = generator.generate(count: events, start: SystemClock().now.timestamp)
        let bytes = load.reduce(0) { $0 + $1.text.count }
        say(
            "Load: \(events) events, \(formatted(Double(bytes) / Double(events))) bytes each on average, \(FirehoseDeliveryConfiguration(url: "").recordsPerRequest) per gzip request, \(concurrentStreams) concurrent streams.\n"
        )
        say("| pipeline | events/s | MiB/s | seconds |")
        say("|---|---:|---:|---:|")
        let ccrelay = try await runCCRelay(load, logger: logger) { hec, url in
            let requests = prepare(load, to: url, logger: logger)
            let start = ContinuousClock.now
            return try await measure {
                try await send(requests)
                let seconds = formatted((ContinuousClock.now - start).seconds, digits: 2)
                FileHandle.standardError.write(
                    Data(
                        "offered \(load.count) (all answered 200) in \(seconds) s; indexed so far \(hec.events.count)\n"
                            .utf8))
                await hec.waitForEvents(count: load.count)
            }
        }
        say(
            "| ccrelay | \(formatted(Double(events) / ccrelay)) | \(formatted(Double(bytes) / ccrelay / 1_048_576, digits: 1)) | \(formatted(ccrelay, digits: 1)) |"
        )
        if let baselineScript {
            let python = try await runBaseline(load, script: baselineScript, logger: logger)
            say(
                "| baseline (Python http.server + requests, no durability) | \(formatted(Double(events) / python)) | \(formatted(Double(bytes) / python / 1_048_576, digits: 1)) | \(formatted(python, digits: 1)) |"
            )
            say("\nRatio ccrelay / baseline: \(formatted(python / ccrelay, digits: 1))×")
        }
        say()
        guard ProcessInfo.processInfo.environment["BENCH_PUSH_LATENCY"] != "0" else { return }
        let rate = 10_000
        let latencies = try await runCCRelay(Array(load.prefix(rate * 10)), logger: logger) { hec, url in
            try await pacedLatencies(
                Array(load.prefix(rate * 10)), eventsPerSecond: rate, hec: hec, url: url, logger: logger)
        }.sorted()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        say(
            "Latency at \(rate) events/s offered for 10 s (batch timeout 1 s, ack poll 0.5 s), per Firehose request, from send until HEC has indexed its events: p50 \(formatted(percentile(0.50) * 1000)) ms, p99 \(formatted(percentile(0.99) * 1000)) ms, max \(formatted((latencies.last ?? 0) * 1000)) ms.\n"
        )
    }

    /// Sends requests of 500 events at `eventsPerSecond`; returns each request's seconds from send until
    /// the index holds every event sent so far (events arrive in order, so that is when its events are in).
    static func pacedLatencies(
        _ load: [GeneratedPushEvent], eventsPerSecond: Int, hec: SplunkHECEmulator, url: String, logger: Logger
    ) async throws -> [Double] {
        let perRequest = 500
        let chunks = stride(from: 0, to: load.count, by: perRequest).map {
            Array(load[$0..<min($0 + perRequest, load.count)])
        }
        let interval = Duration.secondsDouble(Double(perRequest) / Double(eventsPerSecond))
        let clock = ContinuousClock()
        let start = clock.now
        return try await withThrowingTaskGroup(of: Double?.self) { group in
            var sent = 0
            for (index, chunk) in chunks.enumerated() {
                let sendAt = start.advanced(by: interval * index)
                try await clock.sleep(until: sendAt)
                sent += chunk.count
                let cumulative = sent
                group.addTask {
                    await hec.waitForEvents(count: cumulative)
                    return (clock.now - sendAt).seconds
                }
                group.addTask {
                    let firehose = FirehoseDeliveryEmulator(
                        configuration: FirehoseDeliveryConfiguration(
                            url: url, accessKey: "bench-access-key-0123456789", requestIDSeed: UInt64(1_000 + index)),
                        clock: SystemClock(), logger: logger)
                    _ = try await firehose.deliver(chunk)
                    return nil
                }
            }
            var latencies: [Double] = []
            for try await value in group { if let value { latencies.append(value) } }
            return latencies
        }
    }

    /// Sends `load` over `streams` Firehose streams to `url`; each stream's request ids come from
    /// its own seed (`seedBase` + stream), so no two streams reuse an id.
    static func offer(
        _ load: [GeneratedPushEvent], to url: String, logger: Logger, seedBase: UInt64 = 0,
        streams: Int = concurrentStreams
    ) async throws {
        try await send(prepare(load, to: url, logger: logger, seedBase: seedBase, streams: streams))
    }

    /// The requests of ``offer(_:to:logger:seedBase:streams:)``, encoded and compressed but not sent,
    /// one list per stream: measured runs prepare them before their clock starts, because that is
    /// Firehose's work.
    static func prepare(
        _ load: [GeneratedPushEvent], to url: String, logger: Logger, seedBase: UInt64 = 0,
        streams: Int = concurrentStreams
    ) -> [(FirehoseDeliveryEmulator, [FirehoseRequest])] {
        let slice = (load.count + streams - 1) / streams
        return (0..<streams).map { stream in
            let part = Array(load[min(stream * slice, load.count)..<min((stream + 1) * slice, load.count)])
            let firehose = FirehoseDeliveryEmulator(
                configuration: FirehoseDeliveryConfiguration(
                    url: url, accessKey: "bench-access-key-0123456789", requestIDSeed: seedBase &+ UInt64(stream + 1)),
                clock: SystemClock(), logger: logger)
            return (firehose, firehose.prepare(part))
        }
    }

    /// Sends each stream's prepared requests, the streams concurrently.
    static func send(_ streams: [(FirehoseDeliveryEmulator, [FirehoseRequest])]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (firehose, requests) in streams {
                group.addTask { _ = try await firehose.send(requests) }
            }
            try await group.waitForAll()
        }
    }

    /// Runs ccrelay's push pipeline with a fresh state and HEC, and `work` against its receiver URL.
    static func runCCRelay<T: Sendable>(
        _ load: [GeneratedPushEvent], logger: Logger,
        _ work: @escaping @Sendable (SplunkHECEmulator, String) async throws -> T
    ) async throws -> T {
        let hec = SplunkHECEmulator()
        let directory = try temporaryDirectory("push")
        return try await Sandbox.withRunning(hec: hec, logger: logger) { hecURL in
            let yaml = """
                allow_inline_secrets: true
                state: {sqlite: {path: \(directory)/state.sqlite}}
                server: {listen: "127.0.0.1:0", admin_listen: "127.0.0.1:0"}
                sources:
                  firehose: {type: firehose, access_keys: [bench-access-key-0123456789]}
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(hecURL)", token: \(SplunkHECConfiguration.defaultAckToken), index: ccas, batch: {max_events: 1000, timeout_secs: 1}, ack_poll_interval_secs: 0.5}
                """
            let runtime = try RelayRuntime(configuration: try ConfigLoader().load(yaml: yaml), logger: logger)
            let group = ServiceGroup(services: runtime.services(), logger: logger)
            return try await withThrowingTaskGroup(of: T?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                let port = try await runtime.httpServer!.boundPort()
                let result = try await work(hec, "http://127.0.0.1:\(port)/firehose")
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            }
        }
    }

    static func runBaseline(_ load: [GeneratedPushEvent], script: String, logger: Logger) async throws -> Double {
        let hec = SplunkHECEmulator()
        return try await Sandbox.withRunning(hec: hec, logger: logger) { hecURL in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", script, "--hec", hecURL, "--token", SplunkHECConfiguration.defaultToken, "--access-key",
                "bench-access-key-0123456789",
            ]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            defer {
                // SIGKILL, not terminate(): the benchmark's ServiceGroup ignores SIGTERM to handle it
                // itself, and an ignored signal stays ignored in the child across exec.
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            // The script prints its port on the first line.
            var line: [UInt8] = []
            while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
                line.append(byte)
            }
            guard let port = Int(String(decoding: line, as: UTF8.self)) else {
                throw RelayError(.transport, "baseline did not report its port")
            }
            let requests = prepare(load, to: "http://127.0.0.1:\(port)/firehose", logger: logger)
            return try await measure {
                try await send(requests)
                await hec.waitForEvents(count: load.count)
            }
        }
    }
}
