import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelaySandbox
import ServiceLifecycle
import Synchronization

/// Memory and drain with a backlog: the pipeline runs in a child process (`ccrelay-bench pipeline`),
/// so its resident memory is measured alone, without the emulators. Phase 1: the HEC is unreachable
/// while `backlog` events arrive through the Firehose receiver and wait in the outbox; resident
/// memory is read at a tenth of the backlog and at all of it. Phase 2: a new process on the same state
/// with the HEC reachable drains the backlog while a steady load keeps arriving; the time to empty it
/// and the peak resident memory are reported.
enum BacklogBench {
    static let backlog = Int(ProcessInfo.processInfo.environment["BENCH_BACKLOG_EVENTS"] ?? "") ?? 1_000_000
    static let steadyRate = 1_000
    static let chunk = 10_000

    static func run(logger: Logger) async throws {
        say("## Backlog: memory while the sink is down, and drain when it returns\n")
        let directory = try temporaryDirectory("backlog")
        var generator = GenesysEventBridgeGenerator(seed: 31)
        var nextStart = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        func nextChunk(_ count: Int) -> [GeneratedPushEvent] {
            let events = generator.generate(count: count, start: nextStart)
            nextStart = Timestamp(millisecondsSinceEpoch: nextStart.millisecondsSinceEpoch + 86_400_000)
            return events
        }

        // Phase 1: the HEC is a closed port.
        let down = try PipelineProcess(directory: directory, hecURL: "http://127.0.0.1:9")
        var samples: [(events: Int, rss: Int)] = []
        var offered = 0
        let ingestSeconds = try await measure {
            while offered < backlog {
                let events = nextChunk(min(chunk, backlog - offered))
                try await PushBench.offer(events, to: down.receiverURL, logger: logger, seedBase: UInt64(offered))
                offered += events.count
                if offered == backlog / 10 || offered == backlog { samples.append((offered, down.residentBytes)) }
            }
        }
        let phase1Peak = down.peakResidentBytes
        down.kill()
        say(
            "Backlog of \(offered) events (about 1 KB each) built through the Firehose receiver at \(formatted(Double(offered) / ingestSeconds)) events/s while the HEC was unreachable.\n"
        )
        say("| backlog in the outbox | resident memory |")
        say("|---:|---:|")
        for sample in samples { say("| \(sample.events) | \(mebibytes(sample.rss)) MiB |") }
        say("| peak while the backlog grew | \(mebibytes(phase1Peak)) MiB |")
        say()

        // Phase 2: the HEC is back; a steady load of `steadyRate` events/s keeps arriving.
        let backlogged = offered
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: logger) { hecURL in
            // BENCH_BACKLOG_DEFAULTS=1: the sink as a user writes it (issue 20's drain figure).
            let up =
                ProcessInfo.processInfo.environment["BENCH_BACKLOG_DEFAULTS"] == "1"
                ? try PipelineProcess(
                    directory: directory,
                    sinks: DefaultsPushBench.defaultSink(hecURL, token: SplunkHECConfiguration.defaultAckToken))
                : try PipelineProcess(directory: directory, hecURL: hecURL)
            defer { up.kill() }
            let clock = ContinuousClock()
            let start = clock.now
            // No cancellation: the steady load stops when it sees the backlog delivered.
            let delivered = DeliveredFlag()
            let drained: Double = try await withThrowingTaskGroup(of: Double?.self) { group in
                group.addTask {
                    await hec.waitForEvents(count: backlogged)
                    delivered.set()
                    return (clock.now - start).seconds
                }
                group.addTask {
                    // One request of `steadyRate` events each second until the backlog is delivered.
                    var second = 0
                    var steady = GenesysEventBridgeGenerator(seed: 97)
                    while !delivered.isSet {
                        try await clock.sleep(until: start.advanced(by: .seconds(second)))
                        let events = steady.generate(
                            count: steadyRate,
                            start: Timestamp(millisecondsSinceEpoch: 1_800_000_000_000 + Int64(second) * 1_000_000))
                        try await PushBench.offer(
                            events, to: up.receiverURL, logger: logger, seedBase: UInt64(10_000_000 + second * 10),
                            streams: 1)
                        second += 1
                    }
                    return nil
                }
                var result = 0.0
                for try await value in group { if let value { result = value } }
                return result
            }
            let drainRate = Double(backlogged) / drained + Double(steadyRate)
            say(
                "Drain with \(steadyRate) events/s still arriving: the backlog of \(backlogged) reached the index in \(formatted(drained, digits: 1)) s, a delivery rate of \(formatted(drainRate)) events/s, \(formatted(drainRate / Double(steadyRate), digits: 1))× the ingest rate. Peak resident memory while draining: \(mebibytes(up.peakResidentBytes)) MiB.\n"
            )
            say(
                "A 10-minute outage at \(steadyRate) events/s leaves \(steadyRate * 600) events; at this rate it drains in about \(formatted(Double(steadyRate * 600) / (drainRate - Double(steadyRate)))) s.\n"
            )
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func mebibytes(_ bytes: Int) -> String { formatted(Double(bytes) / 1_048_576, digits: 1) }
}

/// The pipeline under measurement, in a child process of this benchmark (`ccrelay-bench pipeline CONFIG`):
/// a Firehose receiver feeding a Splunk HEC sink with acknowledgement, SQLite state in `directory`.
final class PipelineProcess: Sendable {
    let process: Process
    let receiverURL: String

    /// With the sink settings the other benchmarks use (ack poll 0.5 s, batches of 1,000).
    convenience init(directory: String, hecURL: String) throws {
        try self.init(
            directory: directory,
            sinks: """
                  splunk:
                    type: splunk_hec
                    endpoint: "\(hecURL)"
                    token: \(SplunkHECConfiguration.defaultAckToken)
                    index: ccas
                    batch: {max_events: 1000, timeout_secs: 1}
                    ack_poll_interval_secs: 0.5
                    retry: {max_attempts: 100, initial_backoff_secs: 1, max_backoff_secs: 5}
                """)
    }

    /// With `sinks` (YAML members of the `sinks:` section, indented by two spaces).
    init(directory: String, sinks: String) throws {
        let yaml = """
            allow_inline_secrets: true
            state: {sqlite: {path: \(directory)/state.sqlite}}
            server: {listen: "127.0.0.1:0", admin_listen: "127.0.0.1:0"}
            sources:
              firehose: {type: firehose, access_keys: [bench-access-key-0123456789]}
              eventbridge:
                type: eventbridge_api_destination
                auth: {type: api_key, header: x-api-key, values: [bench-access-key-0123456789]}
            sinks:
            \(sinks)
            """
        let path = "\(directory)/pipeline-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["pipeline", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw RelayError(.transport, "the pipeline process did not report its port")
        }
        receiverURL = "http://127.0.0.1:\(port)/firehose"
    }

    /// CPU time the child used so far (user and system), in seconds.
    var cpuSeconds: Double { processCPUSeconds(process.processIdentifier) }

    /// `VmRSS` of the child, in bytes.
    var residentBytes: Int { statusField("VmRSS") }
    /// `VmHWM` (peak resident set) of the child, in bytes.
    var peakResidentBytes: Int { statusField("VmHWM") }

    private func statusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") })
        else { return 0 }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kilobytes * 1024
    }

    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The child's side: runs the pipeline of `configPath` until killed, after printing the server's port.
    static func serve(configPath: String) async throws {
        var logger = Logger(label: "ccrelay.bench.pipeline")
        logger.logLevel = .critical
        let runtime = try RelayRuntime(configuration: try ConfigLoader().load(path: configPath), logger: logger)
        let group = ServiceGroup(services: runtime.services(), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await runtime.httpServer!.boundPort()
            say("\(port)")
            // BENCH_TRACE=1: the sinks' figures on standard error every 250 ms (for looking into a run).
            if ProcessInfo.processInfo.environment["BENCH_TRACE"] == "1" {
                tasks.addTask {
                    let start = ContinuousClock.now
                    while true {
                        try await Task.sleep(for: .milliseconds(250))
                        for sink in runtime.sinks {
                            let figures = runtime.telemetry.sink(sink.name)
                            FileHandle.standardError.write(
                                "\(formatted((ContinuousClock.now - start).seconds, digits: 2)) s \(sink.name): delivered \(figures.delivered) batches \(figures.batches) limit \(figures.concurrencyLimit ?? 0) pending acks \(figures.pendingAcks)\n"
                                    .data(using: .utf8)!)
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
    }
}

/// Set once the backlog is in the index; read by the steady load.
final class DeliveredFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// CPU time (user and system) process `pid` used so far, in seconds, from `/proc/PID/stat`; 0 when
/// it cannot be read.
func processCPUSeconds(_ pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return 0 }
    // Fields after the command name: state is field 3, utime 14 and stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
