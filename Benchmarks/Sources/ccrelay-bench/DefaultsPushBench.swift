import Foundation
import Logging
import RelayCore
import RelayHTTP
import RelaySandbox

/// Issue 20's figures, with the **default** sink settings users run: the pipeline in a child process
/// (Firehose receiver → SQLite outbox → Splunk HEC sink with nothing set but endpoint, token and
/// index) against an independent Python HEC stand-in (`Benchmarks/baseline/hec_standin.py`) that
/// parses every event and acknowledges each request 2 s after it arrived. Reported: the receiver's
/// intake rate, the end-to-end rate (every event_id at the stand-in), CPU per event read from the
/// child's own CPU time (`/proc/PID/stat`), split into intake and delivery by holding the stand-in's
/// answers while the load arrives; a run with 1 % of acknowledgements never turning true; latency at
/// 10,000 events/s offered; and the Python way of the same job, fed the same requests in the same run.
enum DefaultsPushBench {
    static let events = Int(ProcessInfo.processInfo.environment["BENCH_PUSH_EVENTS"] ?? "") ?? 100_000
    static let standInScript =
        ProcessInfo.processInfo.environment["BENCH_HEC_STANDIN"] ?? "Benchmarks/baseline/hec_standin.py"
    /// Only this part of the run when set: `split` (CPU per event and delivery alone), `e2e` (the
    /// end-to-end run with the defaults).
    static let only = ProcessInfo.processInfo.environment["BENCH_DEFAULTS_ONLY"]
    /// The only sink settings: what a user writes. `BENCH_SINK_EXTRA` adds lines (indented by four
    /// spaces) for looking into a setting; the figures in BENCHMARKS.md are without it.
    static func defaultSink(
        _ url: String, token: String = "7d9f4c0e-5b1a-4a57-9d5e-2f1c3b4a5d6e", extra: String = ""
    ) -> String {
        """
          splunk:
            type: splunk_hec
            endpoint: "\(url)"
            token: \(token)
            index: ccas
        \(extra)
        \(ProcessInfo.processInfo.environment["BENCH_SINK_EXTRA"] ?? "")
        """
    }

    static func run(logger: Logger, baselineScript: String?) async throws {
        say("## Push with the default sink settings against an HEC that acknowledges after 2 s (issue 20)\n")
        var generator = GenesysEventBridgeGenerator(seed: 20)
        let load = generator.generate(count: events, start: SystemClock().now.timestamp)
        say("Load: \(events) EventBridge events in gzip Firehose requests of 500 over 4 streams.\n")
        if only == "split" {
            let split = try await cpuSplit(load, logger: logger)
            say(
                "intake \(split.intake) µs, delivery \(split.delivery) µs, delivery alone \(split.deliveryRate) events/s"
            )
            return
        }
        if only == "e2e" {
            let result = try await endToEnd(load, logger: logger)
            say(
                "intake \(formatted(result.intakeRate)) events/s, end to end \(formatted(result.endToEndRate)) events/s, "
                    + "\(formatted(result.endToEndRate / result.intakeRate * 100)) % of intake; "
                    + "\(result.deliveredDuringIntake) events indexed when the intake ended; CPU: "
                    + result.cpu.summary(relay: "ccrelay", cores: cores))
            return
        }
        say("| run | intake events/s | end to end events/s | CPU µs/event (child) | missing | duplicates |")
        say("|---|---:|---:|---:|---:|---:|")
        let plain = try await endToEnd(load, logger: logger)
        say(row("ccrelay, defaults", plain))
        let lossy = try await endToEnd(
            load, logger: logger, neverAckPercent: 1, sinkExtra: "    ack_timeout_secs: 15", settle: .seconds(25))
        say(row("ccrelay, defaults, 1 % of acks never true (`ack_timeout_secs: 15`)", lossy))
        var pythonRate: Double?
        var pythonCPU: CPUShares?
        if let baselineScript {
            let (seconds, cpu) = try await python(load, script: baselineScript, logger: logger)
            pythonRate = Double(load.count) / seconds
            pythonCPU = cpu
            say("| the Python way (http.server + requests, no durability) | | \(formatted(pythonRate!)) | | | |")
        }
        say()
        say(
            "CPU per event over the end-to-end run, every process on the machine's \(cores) cores: "
                + plain.cpu.summary(relay: "ccrelay", cores: cores) + "."
        )
        if let pythonCPU {
            say("The Python way's run: " + pythonCPU.summary(relay: "the Python relay", cores: cores) + ".")
        }
        say()
        if let pythonRate {
            say(
                "End to end: ccrelay \(formatted(plain.endToEndRate / pythonRate, digits: 1))× the Python way; \(formatted(plain.endToEndRate / plain.intakeRate * 100)) % of ccrelay's own intake rate.\n"
            )
        }
        let split = try await cpuSplit(load, logger: logger)
        say(
            "CPU per event from the child's own CPU time, intake and delivery apart (the stand-in holds its answers while the load arrives): intake **\(formatted(split.intake, digits: 1)) µs**, delivery **\(formatted(split.delivery, digits: 1)) µs**, in all **\(formatted(split.intake + split.delivery, digits: 1)) µs** per event. Delivery alone (the stand-in released once every event was taken in): \(formatted(split.deliveryRate)) events/s.\n"
        )
        let latencies = try await latency(Array(load.prefix(100_000)), rate: 10_000, logger: logger)
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        say(
            "Latency at 10,000 events/s offered for 10 s, defaults, per Firehose request from send until the stand-in holds its events (polled every 20 ms): p50 \(formatted(percentile(0.5) * 1000)) ms, p99 \(formatted(percentile(0.99) * 1000)) ms, max \(formatted((latencies.last ?? 0) * 1000)) ms.\n"
        )
    }

    struct Result {
        var intakeRate: Double
        var endToEndRate: Double
        var cpuPerEvent: Double
        var missing: Int
        var duplicates: Int
        var cpu: CPUShares
        /// Events the stand-in held when the last Firehose request was answered.
        var deliveredDuringIntake: Int
    }

    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// CPU per event of each process taking part in a run: the relay, the HEC stand-in and the load
    /// generator (this process). Their sum bounds what the machine's cores can carry end to end.
    struct CPUShares {
        var relay: Double
        var standIn: Double
        var loadGenerator: Double

        /// Reads the three processes' CPU time around `body`, per event of `count`.
        static func measure(
            relay: Int32, standIn: Int32, count: Int, _ body: () async throws -> Void
        ) async rethrows -> CPUShares {
            let pids = [relay, standIn, getpid()]
            let before = pids.map(processCPUSeconds)
            try await body()
            let used = zip(pids.map(processCPUSeconds), before).map { ($0 - $1) / Double(count) * 1_000_000 }
            return CPUShares(relay: used[0], standIn: used[1], loadGenerator: used[2])
        }

        var total: Double { relay + standIn + loadGenerator }

        func summary(relay name: String, cores: Int) -> String {
            "\(name) \(formatted(relay, digits: 1)) µs, HEC stand-in \(formatted(standIn, digits: 1)) µs, "
                + "load generator \(formatted(loadGenerator, digits: 1)) µs; together \(formatted(total, digits: 1)) µs, "
                + "so \(cores) cores carry at most \(formatted(Double(cores) * 1_000_000 / total)) events/s"
        }
    }

    static func row(_ label: String, _ result: Result) -> String {
        "| \(label) | \(formatted(result.intakeRate)) | \(formatted(result.endToEndRate)) | \(formatted(result.cpuPerEvent, digits: 1)) | \(result.missing) | \(result.duplicates) |"
    }

    static func endToEnd(
        _ load: [GeneratedPushEvent], logger: Logger, neverAckPercent: Double = 0, sinkExtra: String = "",
        settle: Duration = .zero
    ) async throws -> Result {
        let standIn = try StandIn(script: standInScript, arguments: ["--never-ack-percent", "\(neverAckPercent)"])
        defer { standIn.kill() }
        let directory = try temporaryDirectory("defaults")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try PipelineProcess(directory: directory, sinks: defaultSink(standIn.url, extra: sinkExtra))
        defer { child.kill() }
        let requests = PushBench.prepare(load, to: child.receiverURL, logger: logger)
        let start = ContinuousClock.now
        var intake = 0.0
        var deliveredDuringIntake = 0
        let cpu = try await CPUShares.measure(
            relay: child.process.processIdentifier, standIn: standIn.child.process.processIdentifier,
            count: load.count
        ) {
            try await PushBench.send(requests)
            intake = (ContinuousClock.now - start).seconds
            deliveredDuringIntake = try await standIn.stats().unique
            try await standIn.waitForUnique(load.count)
        }
        let total = (ContinuousClock.now - start).seconds
        if settle > .zero { try await Task.sleep(for: settle) }
        let stats = try await standIn.stats()
        return Result(
            intakeRate: Double(load.count) / intake, endToEndRate: Double(load.count) / total,
            cpuPerEvent: cpu.relay, missing: load.count - stats.unique,
            duplicates: stats.events - stats.unique, cpu: cpu, deliveredDuringIntake: deliveredDuringIntake)
    }

    static func cpuSplit(_ load: [GeneratedPushEvent], logger: Logger) async throws -> (
        intake: Double, delivery: Double, deliveryRate: Double
    ) {
        let standIn = try StandIn(script: standInScript, arguments: [])
        defer { standIn.kill() }
        let directory = try temporaryDirectory("defaults-split")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try PipelineProcess(directory: directory, sinks: defaultSink(standIn.url))
        defer { child.kill() }
        let requests = PushBench.prepare(load, to: child.receiverURL, logger: logger)
        try await standIn.control("hold")
        let before = child.cpuSeconds
        try await PushBench.send(requests)
        let afterIntake = child.cpuSeconds
        let released = ContinuousClock.now
        try await standIn.control("release")
        try await standIn.waitForUnique(load.count)
        let afterDelivery = child.cpuSeconds
        let deliverySeconds = (ContinuousClock.now - released).seconds
        let perEvent = 1_000_000 / Double(load.count)
        return (
            (afterIntake - before) * perEvent, (afterDelivery - afterIntake) * perEvent,
            Double(load.count) / deliverySeconds
        )
    }

    static func latency(_ load: [GeneratedPushEvent], rate: Int, logger: Logger) async throws -> [Double] {
        let standIn = try StandIn(script: standInScript, arguments: [])
        defer { standIn.kill() }
        let directory = try temporaryDirectory("defaults-latency")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try PipelineProcess(directory: directory, sinks: defaultSink(standIn.url))
        defer { child.kill() }
        let perRequest = 500
        let chunks = stride(from: 0, to: load.count, by: perRequest).map {
            Array(load[$0..<min($0 + perRequest, load.count)])
        }
        let interval = Duration.secondsDouble(Double(perRequest) / Double(rate))
        let clock = ContinuousClock()
        let start = clock.now
        // One poller notes when the stand-in first holds each request's events (they arrive in
        // order, so that is when it holds every event sent up to that request).
        let reached: [ContinuousClock.Instant] = try await withThrowingTaskGroup(of: [ContinuousClock.Instant].self) {
            group in
            group.addTask {
                var reached: [ContinuousClock.Instant] = []
                while reached.count < chunks.count {
                    let unique = try await standIn.stats().unique
                    let now = clock.now
                    while reached.count < chunks.count, unique >= min((reached.count + 1) * perRequest, load.count) {
                        reached.append(now)
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return reached
            }
            for (index, chunk) in chunks.enumerated() {
                try await clock.sleep(until: start.advanced(by: interval * index))
                group.addTask {
                    let firehose = FirehoseDeliveryEmulator(
                        configuration: FirehoseDeliveryConfiguration(
                            url: child.receiverURL, accessKey: PushMemoryBench.accessKey,
                            requestIDSeed: UInt64(5_000 + index)),
                        clock: SystemClock(), logger: logger)
                    _ = try await firehose.deliver(chunk)
                    return []
                }
            }
            var reached: [ContinuousClock.Instant] = []
            for try await value in group where !value.isEmpty { reached = value }
            return reached
        }
        return reached.enumerated().map { ($0.element - start.advanced(by: interval * $0.offset)).seconds }.sorted()
    }

    /// The Python way into the same stand-in (no acknowledgement: the script sends no channel).
    static func python(_ load: [GeneratedPushEvent], script: String, logger: Logger) async throws -> (
        seconds: Double, cpu: CPUShares
    ) {
        let standIn = try StandIn(script: standInScript, arguments: [])
        defer { standIn.kill() }
        let relay = try ChildProcess(
            arguments: [
                "python3", script, "--hec", standIn.url, "--token", "bench", "--access-key", PushMemoryBench.accessKey,
            ])
        defer { relay.kill() }
        let requests = PushBench.prepare(load, to: "http://127.0.0.1:\(relay.port)/firehose", logger: logger)
        var seconds = 0.0
        let cpu = try await CPUShares.measure(
            relay: relay.process.processIdentifier, standIn: standIn.child.process.processIdentifier,
            count: load.count
        ) {
            seconds = try await measure {
                try await PushBench.send(requests)
                try await standIn.waitForUnique(load.count)
            }
        }
        return (seconds, cpu)
    }
}

/// A child process that prints its port on its first line of output.
final class ChildProcess: Sendable {
    let process: Process
    let port: Int

    init(arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw RelayError(.transport, "\(arguments.joined(separator: " ")) did not report its port")
        }
        self.port = port
    }

    func kill() {
        guard process.isRunning else { return }
        // SIGKILL: the benchmark ignores SIGTERM, and an ignored signal stays ignored across exec.
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// The Python HEC stand-in, with its statistics and controls.
final class StandIn: Sendable {
    let child: ChildProcess
    let transport = HTTPTransport()
    var url: String { "http://127.0.0.1:\(child.port)" }

    init(script: String, arguments: [String]) throws {
        child = try ChildProcess(arguments: ["python3", script] + arguments)
    }

    struct Stats {
        var events: Int
        var unique: Int
    }

    func stats() async throws -> Stats {
        let response = try await transport.send(OutboundRequest(method: "GET", url: url + "/stats"))
        let json = try JSONParser.parse(response.body)
        return Stats(events: Int(json["events"]?.int64Value ?? 0), unique: Int(json["unique"]?.int64Value ?? 0))
    }

    func control(_ action: String) async throws {
        _ = try await transport.send(OutboundRequest(method: "POST", url: url + "/" + action))
    }

    /// Polls every 20 ms until `count` distinct event ids arrived.
    func waitForUnique(_ count: Int) async throws {
        while try await stats().unique < count { try await Task.sleep(for: .milliseconds(20)) }
    }

    func kill() { child.kill() }
}
