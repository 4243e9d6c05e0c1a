import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayGenesys
import RelayHTTP
import RelayRuntime
import RelaySandbox

/// Runs every benchmark and prints Markdown rows for BENCHMARKS.md.
/// Usage: ccrelay-bench [normalize|sinks|pull|push|push-defaults|push-memory|api-destination|route|bytes|redaction|backlog|store|all] [--baseline PATH_TO_PYTHON_SCRIPT]
/// (`normalize --baseline Benchmarks/baseline/normalize.py`, `push --baseline Benchmarks/baseline/firehose_to_hec.py`,
/// `push-defaults --baseline Benchmarks/baseline/firehose_to_hec.py`)
/// (`ccrelay-bench pipeline CONFIG`, `lambda-child CONFIG` and `tree-child FILE` are the child
/// processes the backlog, lambda and push-memory benchmarks measure.)
@main
struct Bench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let which = arguments.first ?? "all"
        if which == "pipeline" { return try await PipelineProcess.serve(configPath: arguments[1]) }
        if which == "lambda-child" { return try await LambdaBench.serveOne(configPath: arguments[1]) }
        if which == "tree-child" { return try PushMemoryBench.parseTree(path: arguments[1]) }
        var logger = Logger(label: "ccrelay.bench")
        logger.logLevel = .critical
        say("# ccrelay benchmarks (\(ProcessInfo.processInfo.activeProcessorCount) cores, release build)\n")
        let baseline = arguments.firstIndex(of: "--baseline").map { arguments[$0 + 1] }
        if which == "normalize" || which == "all" {
            try await NormalizeBench.run(logger: logger, baselineScript: which == "all" ? nil : baseline)
        }
        if which == "sinks" || which == "all" { try await SinkBench.run(logger: logger) }
        if which == "pull" || which == "all" {
            try await PullBench.run(logger: logger)
            try await CXonePullBench.run(logger: logger)
        }
        if which == "push" || which == "all" {
            try await PushBench.run(logger: logger, baselineScript: baseline)
        }
        if which == "push-defaults" || which == "all" {
            try await DefaultsPushBench.run(logger: logger, baselineScript: which == "all" ? nil : baseline)
        }
        if which == "push-memory" || which == "all" { try await PushMemoryBench.run(logger: logger) }
        if which == "api-destination" || which == "all" { try await APIDestinationBench.run(logger: logger) }
        if which == "cxone" { try await CXonePullBench.run(logger: logger) }
        if which == "lambda" || which == "all" { try await LambdaBench.run(logger: logger) }
        if which == "route" || which == "all" { try RouteBench.run() }
        if which == "fuzz" { try await FuzzBench.run(logger: logger) }
        if which == "pull-latency" { try await PullLatencyBench.run(logger: logger) }
        if which == "bytes" || which == "all" { try BytesBench.run() }
        if which == "redaction" || which == "all" { RedactionBench.run() }
        if which == "backlog" || which == "all" { try await BacklogBench.run(logger: logger) }
        if which == "store" || which == "all" { try await StoreBench.run(logger: logger) }
    }
}

/// Writes a line to standard output at once (no buffering, so a long run shows its progress).
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Measures `body` with the continuous clock; returns seconds.
func measure(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    return (ContinuousClock.now - start).seconds
}

func formatted(_ value: Double, digits: Int = 0) -> String {
    String(format: "%.\(digits)f", value)
}

/// A new temporary directory.
func temporaryDirectory(_ label: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "ccrelay-bench-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}
