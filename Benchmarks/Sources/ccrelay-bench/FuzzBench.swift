import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayHTTP
import RelayPatterns
import RelayRuntime
import RelaySandbox
import ServiceLifecycle

/// Malformed-input runs (issue 8): mutated bodies POSTed to the Firehose receiver and the API
/// destination receiver of a running pipeline over real HTTP, mutated YAML through the config loader,
/// mutated JSON through the pattern compiler. Each input counts as handled when it is answered with
/// a 2xx (a mutation that stayed valid, or a record dead-lettered with the rest accepted) or a 4xx,
/// or refused with the component's own error type; a crash ends the process, and anything else
/// (5xx, a foreign error) is counted and its first examples printed.
enum FuzzBench {
    static let cases = Int(ProcessInfo.processInfo.environment["BENCH_FUZZ_CASES"] ?? "") ?? 100_000

    static func run(logger: Logger) async throws {
        say("## Malformed input: \(cases) cases per target\n")
        say("| target | cases | 2xx / accepted | 4xx / refused with its error | other | slowest case |")
        say("|---|---:|---:|---:|---:|---:|")
        try await receivers(logger: logger)
        configLoader()
        patternCompiler()
        say()
    }

    // MARK: Receivers over HTTP

    static func receivers(logger: Logger) async throws {
        let directory = try temporaryDirectory("fuzz")
        let yaml = """
            allow_inline_secrets: true
            state: {sqlite: {path: \(directory)/state.sqlite}}
            server: {listen: "127.0.0.1:0", admin_listen: "127.0.0.1:0"}
            sources:
              firehose: {type: firehose, access_keys: [fuzz-access-key-0123456789]}
              eventbridge: {type: eventbridge_api_destination, auth: {type: api_key, values: [fuzz-access-key-0123456789]}}
            sinks:
              archive: {type: file, path: \(directory)/out.ndjson}
            """
        let runtime = try RelayRuntime(configuration: try ConfigLoader().load(yaml: yaml), logger: logger)
        let group = ServiceGroup(services: runtime.services(), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let base = "http://127.0.0.1:\(try await runtime.httpServer!.boundPort())"
            var generator = GenesysEventBridgeGenerator(seed: 5)
            let events = generator.generate(count: 4, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
            let records = events.map { #"{"data":""# + Base64.encode($0.text) + #""}"# }.joined(separator: ",")
            let firehose = Array((#"{"requestId":"fuzz","timestamp":1767225600000,"records":["# + records + "]}").utf8)
            try await post(
                "Firehose receiver (HTTP)", url: base + "/firehose", valid: firehose, gzipSometimes: true,
                headers: { index in
                    [
                        ("X-Amz-Firehose-Access-Key", "fuzz-access-key-0123456789"),
                        ("X-Amz-Firehose-Request-Id", "fuzz-\(index)"),
                    ]
                })
            try await post(
                "API destination receiver (HTTP)", url: base + "/eventbridge", valid: events[0].text,
                gzipSometimes: false,
                headers: { _ in [("x-api-key", "fuzz-access-key-0123456789")] })
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func post(
        _ label: String, url: String, valid: [UInt8], gzipSometimes: Bool,
        headers: @escaping @Sendable (Int) -> [(name: String, value: String)]
    ) async throws {
        let transport = HTTPTransport()
        let concurrency = 8
        let tally = try await withThrowingTaskGroup(of: Tally.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mutator = Mutator(seed: UInt64(worker) &* 7919 &+ 17)
                    var tally = Tally()
                    for index in stride(from: worker, to: cases, by: concurrency) {
                        var body = mutator.mutate(valid)
                        var fields = headers(index) + [("Content-Type", "application/json")]
                        if gzipSometimes, mutator.below(4) == 0 {
                            body = mutator.below(2) == 0 ? Gzip.compress(body, level: .standard) : body
                            fields.append(("Content-Encoding", "gzip"))
                        }
                        let start = ContinuousClock.now
                        let status = try await transport.send(
                            OutboundRequest(method: "POST", url: url, headers: fields, body: body)
                        ).status
                        tally.record(seconds: (ContinuousClock.now - start).seconds)
                        switch status {
                        case 200..<300: tally.accepted += 1
                        case 400..<500: tally.refused += 1
                        default: tally.other(String(decoding: body.prefix(120), as: UTF8.self) + " → \(status)")
                        }
                    }
                    return tally
                }
            }
            var total = Tally()
            for try await part in group { total.add(part) }
            return total
        }
        report(label, tally)
    }

    // MARK: In process

    static func configLoader() {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ccrelay.example.yaml").path
        let example = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "sources: {}\n"
        let valid = Array(example.utf8)
        let loader = ConfigLoader(interpolation: Interpolation(environment: { _ in "value-from-env" }))
        var mutator = Mutator(seed: 99)
        var tally = Tally()
        for _ in 0..<cases {
            let text = String(decoding: mutator.mutate(valid), as: UTF8.self)
            let start = ContinuousClock.now
            do throws(ConfigError) {
                _ = try loader.load(yaml: text)
                tally.accepted += 1
            } catch {
                if error.problems.isEmpty { tally.other(String(text.prefix(120))) } else { tally.refused += 1 }
            }
            tally.record(seconds: (ContinuousClock.now - start).seconds)
        }
        report("config loader (mutated ccrelay.example.yaml)", tally)
    }

    static func patternCompiler() {
        let valid = Array(
            #"{"source":[{"prefix":"aws.partner/genesys"}],"detail-type":["v2.audits.entitytype.{id}.entityid.{id}"],"detail":{"eventBody":{"action":[{"anything-but":["View"]}],"serviceName":[{"equals-ignore-case":"routing"}],"count":[{"numeric":[">",0,"<=",5]}],"ip":[{"cidr":"10.0.0.0/8"}],"$or":[{"user":[{"exists":true}]},{"client":[{"wildcard":"*-bot"}]}]}}}"#
                .utf8)
        var mutator = Mutator(seed: 4242)
        var tally = Tally()
        for _ in 0..<cases {
            let text = String(decoding: mutator.mutate(valid), as: UTF8.self)
            let start = ContinuousClock.now
            do throws(PatternError) {
                _ = try EventPattern(parsing: text)
                tally.accepted += 1
            } catch {
                if error.reason.isEmpty { tally.other(String(text.prefix(120))) } else { tally.refused += 1 }
            }
            tally.record(seconds: (ContinuousClock.now - start).seconds)
        }
        report("pattern compiler (mutated pattern using every operator)", tally)
    }

    static func report(_ label: String, _ tally: Tally) {
        say(
            "| \(label) | \(tally.total) | \(tally.accepted) | \(tally.refused) | \(tally.otherCount) | \(formatted(tally.slowest * 1000, digits: 1)) ms |"
        )
        for example in tally.examples { say("  - other: `\(example)`") }
    }

    struct Tally: Sendable {
        var accepted = 0
        var refused = 0
        var otherCount = 0
        var examples: [String] = []
        var slowest = 0.0
        var total: Int { accepted + refused + otherCount }

        mutating func record(seconds: Double) { slowest = max(slowest, seconds) }
        mutating func other(_ example: String) {
            otherCount += 1
            if examples.count < 3 { examples.append(example) }
        }
        mutating func add(_ other: Tally) {
            accepted += other.accepted
            refused += other.refused
            otherCount += other.otherCount
            examples += other.examples.prefix(max(0, 3 - examples.count))
            slowest = max(slowest, other.slowest)
        }
    }

    /// Deterministic byte-level mutations of a valid input: truncation, flips, insertions of random or
    /// structural bytes, deletions, duplications, and now and then a wholly random input.
    struct Mutator {
        var state: UInt64
        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

        mutating func mutate(_ valid: [UInt8]) -> [UInt8] {
            var bytes = valid
            let structural: [UInt8] = Array(#"{}[]":,\-0123456789.eE tfn"#.utf8) + [0, 0x0A, 0xC3, 0xFF]
            for _ in 0..<(1 + below(4)) {
                guard !bytes.isEmpty else { break }
                let at = below(bytes.count)
                switch below(8) {
                case 0: bytes = Array(bytes.prefix(at))
                case 1: bytes[at] = UInt8(truncatingIfNeeded: next())
                case 2: bytes[at] = structural[below(structural.count)]
                case 3: bytes.insert(structural[below(structural.count)], at: at)
                case 4: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
                case 5: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + below(64))], at: at)
                case 6: bytes.insert(contentsOf: (0..<below(32)).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
                default: return (0..<below(400)).map { _ in UInt8(truncatingIfNeeded: next()) }
                }
            }
            return bytes
        }
    }
}
