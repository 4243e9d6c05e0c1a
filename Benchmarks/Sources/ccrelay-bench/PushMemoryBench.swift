import Foundation
import Logging
import RelayCore
import RelayHTTP
import RelaySandbox

/// Memory per Firehose request (issue 18: "memory per request a small constant times its inflated
/// size"). The pipeline runs in a child process (``PipelineProcess``) with the receiver's defaults
/// (`max_body_bytes` 64 MiB). For each request the child's peak resident memory is reset
/// (`/proc/PID/clear_refs`), the request is sent, and the peak above the resident memory before it
/// is divided by the request's inflated size. The reference, in the same run: the same inflated
/// body parsed into one JSON tree, as the receiver read a request before, in a child of its own
/// (`ccrelay-bench tree-child FILE`).
enum PushMemoryBench {
    static let accessKey = "bench-access-key-0123456789"
    static let limit = 64 << 20

    static func run(logger: Logger) async throws {
        say("## Memory per push request (default receiver settings, `max_body_bytes` 64 MiB)\n")
        let directory = try temporaryDirectory("push-memory")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = GenesysEventBridgeGenerator(seed: 18)
        let events = generator.generate(count: 60_000, start: SystemClock().now.timestamp)
        let cases: [(label: String, body: [UInt8])] = [
            ("5 MiB of EventBridge events (Firehose's default buffer)", body(events, upTo: 5 << 20)),
            ("just under 64 MiB of EventBridge events (the largest accepted)", body(events, upTo: limit - 4096)),
            (
                "just under 64 MiB of empty records `{\"data\":\"\"}` (issue 18's attack)",
                emptyRecords(upTo: limit - 4096)
            ),
        ]
        say(
            "| request | inflated | gzip body | records | answer | peak memory above idle | × inflated size | JSON tree alone (before) |"
        )
        say("|---|---:|---:|---:|---:|---:|---:|---:|")
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: logger) { hecURL in
            let child = try PipelineProcess(directory: directory, hecURL: hecURL)
            defer { child.kill() }
            let transport = HTTPTransport()
            // Warm up: the first request allocates what every later one reuses.
            _ = try await send(body(Array(events.prefix(10)), upTo: 1 << 20), to: child.receiverURL, transport)
            for item in cases {
                let records = item.body.count { $0 == UInt8(ascii: "{") } - 1
                let compressed = Gzip.compress(item.body, level: .fastest)
                try "5".write(
                    toFile: "/proc/\(child.process.processIdentifier)/clear_refs", atomically: false, encoding: .utf8)
                let before = child.residentBytes
                let status = try await send(compressed, gzip: true, to: child.receiverURL, transport)
                let above = child.peakResidentBytes - before
                let tree = try treeReference(item.body, directory: directory)
                say(
                    "| \(item.label) | \(mib(item.body.count)) MiB | \(mib(compressed.count)) MiB | \(records) | \(status) | \(mib(above)) MiB | \(formatted(Double(above) / Double(item.body.count), digits: 1)) | \(mib(tree)) MiB (\(formatted(Double(tree) / Double(item.body.count), digits: 1))×) |"
                )
            }
        }
        say(
            "\nThe peak counts everything the request costs in the receiver's process: the gzip body, the inflated bytes, the records' data, the normalized events and the SQLite commit. Records are counted as the opening braces in the body, less the request's own.\n"
        )
    }

    /// A Firehose request body of `events`, one per record, cycling through them up to `size` bytes.
    static func body(_ events: [GeneratedPushEvent], upTo size: Int) -> [UInt8] {
        var bytes = Array(#"{"requestId":"\#(UUID().uuidString)","timestamp":1765000000000,"records":["#.utf8)
        var index = 0
        while true {
            let record =
                Array(#"{"data":""#.utf8) + Array(Base64.encode(events[index % events.count].text).utf8)
                + Array(#""}"#.utf8)
            guard bytes.count + record.count + 3 < size else { break }
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += record
            index += 1
        }
        return bytes + Array("]}".utf8)
    }

    /// A Firehose request body of empty records up to `size` bytes.
    static func emptyRecords(upTo size: Int) -> [UInt8] {
        let head = Array(#"{"requestId":"\#(UUID().uuidString)","timestamp":1765000000000,"records":["#.utf8)
        let record = Array(#"{"data":""}"#.utf8)
        let count = (size - head.count - 2) / (record.count + 1)
        var bytes = head
        bytes.reserveCapacity(size)
        for index in 0..<count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += record
        }
        return bytes + Array("]}".utf8)
    }

    static func send(_ body: [UInt8], gzip: Bool = false, to url: String, _ transport: HTTPTransport) async throws
        -> Int
    {
        var headers: [(name: String, value: String)] = [
            ("X-Amz-Firehose-Access-Key", accessKey), ("X-Amz-Firehose-Request-Id", UUID().uuidString),
            ("Content-Type", "application/json"),
        ]
        if gzip { headers.append(("Content-Encoding", "gzip")) }
        let request = OutboundRequest(method: "POST", url: url, headers: headers, body: body, timeout: .seconds(300))
        return try await transport.send(request).status
    }

    /// The peak resident memory, above what it was before, of a child parsing `body` into one JSON tree.
    static func treeReference(_ body: [UInt8], directory: String) throws -> Int {
        let path = "\(directory)/tree-\(UUID().uuidString).json"
        try Data(body).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["tree-child", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The child's side of ``treeReference(_:directory:)``: prints the peak resident bytes above
    /// the resident bytes once the file is read.
    static func parseTree(path: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let before = ownStatusField("VmRSS")
        let tree = try JSONParser.parse(bytes)
        let peak = ownStatusField("VmHWM")
        guard case .object = tree else { return say("0") }
        say("\(peak - before)")
    }

    private static func ownStatusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") })
        else { return 0 }
        return (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) * 1024
    }

    private static func mib(_ bytes: Int) -> String { formatted(Double(bytes) / 1_048_576, digits: 1) }
}
