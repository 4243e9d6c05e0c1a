import ArgumentParser
import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Read a past range of a Genesys audit source through the asynchronous audit query, and deliver it.",
        discussion: """
            The range is cut into windows of at most 31 days per audit service. Each window's transaction id and
            cursor are checkpointed, so running the same command again after an interruption resumes where it
            stopped. Records pass the same dedup ledger as the live source: overlap creates no duplicates.
            Dates are ISO 8601 (2025-01-01 or 2025-01-01T00:00:00Z; UTC when no offset is given).
            Exit codes: 0 done and delivered; 1 a window failed or delivery did not finish; 2 invalid input.
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String

    @Option(help: "The genesys_audit source to backfill.")
    var source: String

    @Option(help: "Start of the range (inclusive), ISO 8601.")
    var from: String

    @Option(help: "End of the range (exclusive), ISO 8601.")
    var to: String

    @Option(help: "Only this audit service (default: the source's services, else the service mapping).")
    var service: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let start = try Self.date(from, option: "--from")
        let end = try Self.date(to, option: "--to")
        let configuration = try await loadResolvedConfiguration(path: config, logger: logger)
        let clock = SystemClock()
        let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
        let interactive = isatty(STDOUT_FILENO) == 1
        let operation = BackfillOperation(runtime: runtime, clock: clock, logger: logger)
        let report: BackfillReport
        do {
            report = try await runtime.whileRunning {
                try await operation.run(BackfillRequest(source: source, from: start, to: end, service: service)) {
                    progress in
                    if interactive {
                        let text = "\r" + progress.bar(at: clock.now)
                        let bytes = Array(text.utf8)
                        _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
                    } else if progress.pages == 0 || progress.windowsDone == progress.windowsTotal
                        || progress.pages % 20 == 0
                    {
                        writeLine(progress.line(at: clock.now))
                    }
                }
            }
        } catch let error as RelayError where error.code == .configInvalid {
            printError(error.message)
            throw ExitCode(2)
        }
        if interactive { writeLine("") }
        for failure in report.failedWindows { printError("failed: \(failure)") }
        writeLine(
            "windows=\(report.progress.windowsTotal) skipped=\(report.skippedWindows) resumed=\(report.resumedWindows) "
                + "failed=\(report.failedWindows.count) records=\(report.progress.records) accepted=\(report.progress.accepted) "
                + "delivered=\(report.delivered) dead_lettered=\(report.deadLettered) remaining=\(report.remaining)"
        )
        if !report.succeeded { throw ExitCode(1) }
    }

    /// A date or date-time; a bare date is midnight UTC.
    static func date(_ text: String, option: String) throws -> Timestamp {
        let full = text.count == 10 ? text + "T00:00:00Z" : text
        do {
            return try Timestamp.parseISO8601(full, assumingOffsetSeconds: 0)
        } catch {
            printError("\(option): \(error)")
            throw ExitCode(2)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
