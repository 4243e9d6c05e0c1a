import Foundation
import Logging
import RelayCore
import RelayGenesys
import RelayHTTP
import RelaySandbox
import RelayTesting

/// Normalize + encode per core: JSON bytes in, the normalized event's encoding out, one thread.
enum NormalizeBench {
    /// `baselineScript`: `Benchmarks/baseline/normalize.py`, run on the same records in the same run.
    /// `BENCH_REPEATS` scales the passes over the records (default 40 REST, 20 EventBridge), e.g. 1
    /// under callgrind.
    static func run(logger: Logger, baselineScript: String?) async throws {
        let scale = ProcessInfo.processInfo.environment["BENCH_REPEATS"].flatMap(Int.init)
        say("## Normalize + encode (one core)\n")
        say("| input | events | seconds | events/s per core |")
        say("|---|---:|---:|---:|")
        let audits = try await restAuditRecords(logger: logger)
        let restRate = try throughput(records: audits, repeats: scale ?? 40) { bytes in
            try GenesysAuditNormalizer(keepRaw: false).normalize(try JSONParser.parse(bytes)).encoded().count
        }
        say(
            "| Genesys REST AuditLogMessage | \(restRate.events) | \(formatted(restRate.seconds, digits: 2)) | \(formatted(restRate.rate)) |"
        )

        var generator = GenesysEventBridgeGenerator(seed: 7)
        let conversation = generator.generate(
            count: 20_000, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        )
        .filter { $0.kind == .conversation }.map(\.text)
        let normalizer = GenesysEventBridgeNormalizer()
        let pushRate = try throughput(records: conversation, repeats: scale ?? 20) { bytes in
            try normalizer.normalize(try JSONParser.parse(bytes)).encoded().count
        }
        say(
            "| EventBridge conversation detail event | \(pushRate.events) | \(formatted(pushRate.seconds, digits: 2)) | \(formatted(pushRate.rate)) |"
        )
        if ProcessInfo.processInfo.environment["BENCH_PHASES"] == "1" {
            try phases("Genesys REST", records: audits, repeats: scale ?? 40) {
                try GenesysAuditNormalizer(keepRaw: false).normalize($0)
            }
            try phases("EventBridge conversation", records: conversation, repeats: scale ?? 20) {
                try normalizer.normalize($0)
            }
        }
        if let baselineScript {
            let restBaseline = try runBaseline(
                script: baselineScript, kind: "rest", records: audits, repeats: max(1, (scale ?? 40) / 4))
            say(
                "| baseline (Python json + hashlib): Genesys REST | \(restBaseline.events) | \(formatted(restBaseline.seconds, digits: 2)) | \(formatted(restBaseline.rate)) |"
            )
            let pushBaseline = try runBaseline(
                script: baselineScript, kind: "eventbridge", records: conversation, repeats: max(1, (scale ?? 20) / 4))
            say(
                "| baseline (Python json + hashlib): EventBridge conversation | \(pushBaseline.events) | \(formatted(pushBaseline.seconds, digits: 2)) | \(formatted(pushBaseline.rate)) |"
            )
            say(
                "\nRatio ccrelay / baseline: REST \(formatted(restRate.rate / restBaseline.rate, digits: 1))×, EventBridge \(formatted(pushRate.rate / pushBaseline.rate, digits: 1))×"
            )
        }
        say()
    }

    /// `BENCH_PHASES=1`: microseconds per event of parsing alone, of normalizing already parsed
    /// records and of encoding already normalized events (each including freeing what it made), to
    /// see where the time goes without a profiler.
    static func phases(_ name: String, records: [[UInt8]], repeats: Int, normalize: (JSONValue) throws -> Event) throws
    {
        func microseconds(_ count: Int, _ work: () throws -> Int) rethrows -> Double {
            let start = ContinuousClock.now
            var sink = 0
            for _ in 0..<repeats { sink &+= try work() }
            precondition(sink != 0)
            return (ContinuousClock.now - start).seconds * 1e6 / Double(count * repeats)
        }
        let parse = try microseconds(records.count) {
            try records.reduce(0) { total, bytes in total &+ (try JSONParser.parse(bytes).objectValue?.count ?? 1) }
        }
        let parsed = try records.map { try JSONParser.parse($0) }
        let normalized = try microseconds(parsed.count) {
            try parsed.reduce(0) { total, record in total &+ (try normalize(record).attributes.count) }
        }
        let events = try parsed.map(normalize)
        let encode = microseconds(events.count) {
            var total = 0
            for index in events.indices { total &+= events[index].encoded().count }  // no copy of the event
            return total
        }
        say(
            "phases, \(name), µs per event: parse \(formatted(parse, digits: 2)) · normalize \(formatted(normalized, digits: 2)) · encode \(formatted(encode, digits: 2))"
        )
    }

    /// Runs the Python baseline over `records` written as NDJSON; its own timing, parsed from its output.
    static func runBaseline(script: String, kind: String, records: [[UInt8]], repeats: Int) throws -> (
        events: Int, seconds: Double, rate: Double
    ) {
        let directory = try temporaryDirectory("normalize-baseline")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/records.ndjson"
        var ndjson: [UInt8] = []
        for record in records {
            ndjson += record
            ndjson.append(UInt8(ascii: "\n"))
        }
        try Data(ndjson).write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--kind", kind, "--input", input, "--repeats", "\(repeats)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var fields: [String: Double] = [:]
        for pair in text.split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { fields[String(parts[0])] = value }
        }
        guard process.terminationStatus == 0, let events = fields["events"], let seconds = fields["seconds"],
            seconds > 0
        else {
            throw RelayError(.transport, "the normalize baseline failed (exit \(process.terminationStatus)): \(text)")
        }
        return (Int(events), seconds, events / seconds)
    }

    static func throughput(records: [[UInt8]], repeats: Int, _ work: ([UInt8]) throws -> Int) throws -> (
        events: Int, seconds: Double, rate: Double
    ) {
        var sink = 0
        for record in records.prefix(1_000) { sink &+= try work(record) }  // warm-up
        let start = ContinuousClock.now
        for _ in 0..<repeats {
            for record in records { sink &+= try work(record) }
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(sink != 0)
        let events = records.count * repeats
        return (events, seconds, Double(events) / seconds)
    }

    /// Realistic REST records, as the sandbox org serves them page by page.
    static func restAuditRecords(logger: Logger) async throws -> [[UInt8]] {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero, historyPerService: 0), clock: clock
        )
        org.generate(count: 5_000)
        clock.advance(by: .seconds(1))
        return try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let endpoints = GenesysEndpoints(baseURL: url)
            let transport = HTTPTransport()
            let token = GenesysTokenEndpoint(
                endpoints: endpoints, clientID: org.configuration.clientID,
                clientSecret: org.configuration.clientSecret, transport: transport)
            let tokens = AccessTokenCache(clock: clock) { () async throws(RelayError) -> AccessToken in
                try await token.fetch()
            }
            let client = GenesysAPIClient(endpoints: endpoints, tokens: tokens, transport: transport)
            var records: [[UInt8]] = []
            let interval = "\(clock.now.advanced(by: .seconds(-3600)).timestamp.iso8601)/\(clock.now.timestamp.iso8601)"
            for service in org.configuration.services {
                var page = 1
                while true {
                    let body: JSONValue = [
                        "interval": .string(interval), "serviceName": .string(service),
                        "pageNumber": .number(JSONNumber(page)),
                        "pageSize": 500,
                    ]
                    let response = try await client.request(
                        "POST", "/api/v2/audits/query/realtime?expand=user", body: body)
                    let entities = response["entities"]?.arrayValue ?? []
                    records += entities.map { JSONWriter.encode($0) }
                    if page >= Int(response["pageCount"]?.int64Value ?? 0) { break }
                    page += 1
                }
            }
            return records
        }
    }
}
