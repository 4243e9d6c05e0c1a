import Foundation
import Logging
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

extension Tag {
    /// The reliability suite (issue 8): the real `ccrelay` binary against the sandbox under faults.
    /// Run it alone with `swift test --skip-build --filter Reliability`.
    @Tag static var reliability: Self
}

/// How hard the reliability scenarios push. The default is the fast scale `scripts/test` runs;
/// `CCRELAY_CHAOS_SCALE=full` (set by `scripts/chaos`) runs longer outages and more load.
struct ReliabilityScale: Sendable {
    /// Whether the long scale was asked for.
    let full: Bool

    static let current = ReliabilityScale(full: ProcessInfo.processInfo.environment["CCRELAY_CHAOS_SCALE"] == "full")

    /// `fast` at the default scale, `long` with `CCRELAY_CHAOS_SCALE=full`.
    func pick<T>(_ fast: T, _ long: T) -> T { full ? long : fast }
}

/// One line per scenario on standard output, `reliability: <scenario> key=value ...`, so a run of
/// the suite doubles as the measurement RELIABILITY.md quotes.
enum ReliabilityReport {
    static func line(_ scenario: String, _ fields: KeyValuePairs<String, CustomStringConvertible>) {
        let text = fields.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print("reliability: \(scenario) \(text)")
    }
}

/// Why a reliability scenario stopped early.
struct ReliabilityFailure: Error, CustomStringConvertible {
    let description: String
}

/// One run of the real `ccrelay run` process: standard error appended to a log file, peak memory
/// and listening port read from `/proc`.
final class RelayProcess {
    let process = Process()
    let logPath: String

    /// Starts `ccrelay run --config <config>` with `environment` added to the test's own.
    init(config: String, logPath: String, environment: [String: String] = [:], logLevel: String = "warning") throws {
        self.logPath = logPath
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["run", "--config", config, "--log-level", logLevel]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        try process.run()
        try log.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// SIGKILL: no chance to finish anything.
    func kill() {
        _ = Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The process's resident set size and its peak so far, in bytes (`VmRSS`, `VmHWM`).
    func memory() -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func kilobytes(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kilobytes("VmRSS"), kilobytes("VmHWM"))
    }

    /// The TCP port the process listens on at 127.0.0.1 (its push listener; tests put the admin
    /// listener on 127.0.0.2), found through its socket inodes in `/proc`; nil until it listens.
    func listeningPort() -> Int? {
        let descriptors = "/proc/\(pid)/fd"
        var inodes: Set<Substring> = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? [] {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: descriptors + "/" + name),
                target.hasPrefix("socket:[")
            else { continue }
            inodes.insert(Substring(target.dropFirst(8).dropLast()))
        }
        guard let table = try? String(contentsOfFile: "/proc/\(pid)/net/tcp", encoding: .utf8) else { return nil }
        for row in table.split(separator: "\n").dropFirst() {
            let columns = row.split(separator: " ")
            guard columns.count > 9, columns[3] == "0A", inodes.contains(columns[9]) else { continue }
            let local = columns[1].split(separator: ":")
            if local.count == 2, local[0] == "0100007F", let port = Int(local[1], radix: 16) { return port }
        }
        return nil
    }

    /// Waits until the process listens and returns the port; throws when it exits first.
    func waitForListeningPort() async throws -> Int {
        var port: Int?
        try await eventually("ccrelay listening") {
            guard self.isRunning else {
                throw ReliabilityFailure(description: "ccrelay exited before listening: \(self.logTail())")
            }
            port = self.listeningPort()
            return port != nil
        }
        return port ?? 0
    }

    /// The last lines of the log, for failure messages.
    func logTail(_ lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// Awaits a condition that the test cannot be notified of (another process's state), checking it
/// every `every` (default 20 ms); fails after `limit`.
/// With `while` given, fails at once when that process has exited.
func eventually(
    _ what: String, limit: Duration = .seconds(90), every interval: Duration = .milliseconds(20),
    while process: RelayProcess? = nil,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    while try await !condition() {
        if let process, !process.isRunning {
            throw ReliabilityFailure(description: "ccrelay exited while waiting for \(what): \(process.logTail())")
        }
        guard clock.now < deadline else {
            throw ReliabilityFailure(
                description: "timed out waiting for \(what)" + (process.map { ": \($0.logTail())" } ?? ""))
        }
        try await Task.sleep(for: interval)
    }
}

/// Distinct `event_id`s and copies in an index.
struct IndexCount: CustomStringConvertible {
    var expected: Int
    var delivered: Int
    var duplicates: Int
    var missing: Int { expected - delivered }

    init(expected: Set<String>, indexed: [String]) {
        var seen: Set<String> = []
        var duplicates = 0
        for id in indexed where !seen.insert(id).inserted { duplicates += 1 }
        self.expected = expected.count
        self.delivered = seen.intersection(expected).count
        self.duplicates = duplicates
    }

    var description: String {
        "expected=\(expected) delivered=\(delivered) duplicates=\(duplicates) missing=\(missing)"
    }
}

/// The credentials every scenario's configuration references (`${NAME}`; ccrelay refuses literal
/// credentials in a configuration file), plus `extra`.
func reliabilitySecrets(_ org: GenesysOrgEmulator, _ extra: [String: String] = [:]) -> [String: String] {
    [
        "SECRET": org.configuration.clientSecret, "HEC_TOKEN": SplunkHECConfiguration.defaultToken,
        "DD_KEY": DatadogIntakeConfiguration.defaultAPIKey, "FIREHOSE_KEY": PushLoad.accessKey,
    ].merging(extra) { $1 }
}

/// The `event_id`s of Genesys audit records (as the pull source derives them).
func pulledEventIDs(_ nativeIDs: [String]) -> Set<String> {
    Set(nativeIDs.map { EventID.make(platform: .genesys, nativeID: $0) })
}

extension Logger {
    /// A quiet logger for the emulators of the reliability suite.
    static let reliability = Logger.quiet("ccrelay.reliability")
}

/// The seed of a scenario's random moments: `CCRELAY_CHAOS_SEED` when set (to replay a run), else
/// a fresh one; scenarios print it in their result line.
func reliabilitySeed() -> UInt64 {
    ProcessInfo.processInfo.environment["CCRELAY_CHAOS_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: 1...UInt64(UInt32.max))
}
