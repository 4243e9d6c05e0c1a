import Foundation
import RelayCore
import RelayGenerate
import RelayTesting

/// Shared helpers: generated files by path, subprocesses, field extraction from queries.
enum GenerateTestSupport {
    /// An input with two Splunk sinks, a fixed source and custom backend names, so the tests see
    /// config values flow through.
    static let input = GenerateInput(
        splunk: [
            SplunkSinkInput(name: "primary", index: "cc_audit", sourcetype: "ccas:auditlog", useACK: true),
            SplunkSinkInput(
                name: "secondary", index: "cc_events", sourcetype: "ccas:events", source: "ccrelay", useACK: false),
        ],
        datadog: [DatadogSinkInput(service: "ccrelay-prod")],
        sumo: [SumoSinkInput(category: "prod/ccrelay")],
        backend: BackendLogs(splunkIndex: "web_access", splunkStatusField: "http_status")
    )

    static func files(_ target: GenerateTarget, _ input: GenerateInput = input) -> [String: String] {
        Dictionary(uniqueKeysWithValues: target.files(for: input).map { ($0.path, $0.contents) })
    }

    /// Writes `files` under a new temporary directory and returns it.
    static func write(_ files: [String: String]) throws -> URL {
        let root = try ScratchDirectory("generate").url
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        return root
    }

    /// Runs `arguments` through `/usr/bin/env` (PATH lookup); returns exit status and combined output.
    /// Runs a tool to its end on a thread of its own: the wait must not hold one of the few threads
    /// the concurrent test run shares.
    static func run(_ arguments: [String], stdin: String? = nil) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, stdin: stdin) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], stdin: String?) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        } else {
            try process.run()
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Every stanza of a generated `.conf` file with its settings, as Splunk's conf parser
    /// (addonfactory-splunk-conf-parser-lib) reads them.
    static func confStanzas(_ path: String, of files: [String: String]) async throws -> [String: [String: String]] {
        guard let text = files[path] else { throw ConfUnreadable(output: "no file \(path)") }
        let root = try write([path: text])
        defer { try? FileManager.default.removeItem(at: root) }
        let script = """
            import json, sys
            from addonfactory_splunk_conf_parser_lib import TABConfigParser
            parser = TABConfigParser()
            with open(sys.argv[1]) as f:
                parser.read_file(f)
            print(json.dumps({s: dict(parser.items(s)) for s in parser.sections()}))
            """
        let result = try await run(["python3", "-c", script, root.appendingPathComponent(path).path])
        guard result.status == 0 else { throw ConfUnreadable(output: result.output) }
        return try JSONDecoder().decode([String: [String: String]].self, from: Data(result.output.utf8))
    }

    /// The conf parser failed; `output` is what it printed.
    struct ConfUnreadable: Error { let output: String }

    /// Every `key = value` of a conf text whose key is `key`.
    static func confValues(_ text: String, key: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key else { return nil }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }
    }

    static func matches(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }
}
