import ArgumentParser
import Logging
import RelayCore
import RelayOperations
import RelayRuntime

struct RedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Ingest what Amazon Data Firehose backed up to S3 after it gave up delivering to a firehose source.",
        discussion: """
            When ccrelay (or the SIEM behind it) is down longer than Firehose's retry window, Firehose writes each
            batch to its S3 backup bucket (by default under http-endpoint-failed/) and ccrelay never sees it.
            This reads those objects (gzip or plain, one JSON record per line with its base64 rawData), decodes
            each record as the firehose source does, commits the events through the dedup ledger (a record
            already delivered is skipped) and delivers them. A bad object or line is reported, naming the object
            and line, and the rest flows; bad lines and records are dead-lettered. With --dry-run nothing is
            committed. Credentials: the AWS default chain (AWS_ACCESS_KEY_ID…, web identity, instance role).
            Exit codes: 0 done and delivered (bad lines are dead-lettered and counted); 1 an object could not be
            read or delivery did not finish; 2 invalid input.
            """
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String

    @Option(help: "The firehose source whose decoding, routes and ledger are used.")
    var source: String

    @Option(help: "The backup location, s3://bucket/prefix/.")
    var from: String

    @Option(help: "The bucket's region (default AWS_REGION / AWS_DEFAULT_REGION).")
    var region: String?

    @Option(help: "An S3-compatible endpoint URL (MinIO, moto); default AWS's.")
    var endpoint: String?

    @Flag(help: "Read and decode only; commit and deliver nothing.")
    var dryRun = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let request: FirehoseRedriveRequest
        do {
            request = try FirehoseRedriveRequest(
                source: source, from: from, region: region, endpoint: endpoint, dryRun: dryRun)
        } catch {
            printError("--from: \(error.message)")
            throw ExitCode(2)
        }
        let configuration = try await loadResolvedConfiguration(path: config, logger: logger)
        let clock = SystemClock()
        let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
        let operation = FirehoseRedriveOperation(runtime: runtime, clock: clock, logger: logger)
        let outcome: FirehoseRedriveOutcome
        do {
            outcome = try await runtime.whileRunning { try await operation.run(request) }
        } catch let error as RelayError where error.code == .configInvalid {
            printError(error.message)
            throw ExitCode(2)
        }
        let ingest = outcome.ingest
        for failure in ingest.failedObjects { printError("failed: \(failure)") }
        var line =
            "objects=\(ingest.objects) failed_objects=\(ingest.failedObjects.count) records=\(ingest.records) "
            + "events=\(ingest.events) dead_lettered=\(ingest.deadLettered)"
        if dryRun {
            line += " (dry run: nothing committed)"
        } else {
            line +=
                " accepted=\(ingest.accepted) duplicates=\(ingest.duplicates) delivered=\(outcome.delivered) "
                + "delivery_dead_lettered=\(outcome.deliveryDeadLettered) remaining=\(outcome.remaining)"
        }
        if let first = ingest.firstArrival, let last = ingest.lastArrival {
            line += " arrived=\(first.iso8601)..\(last.iso8601)"
        }
        if !ingest.errorCodes.isEmpty {
            line +=
                " firehose_errors="
                + ingest.errorCodes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        }
        writeLine(line)
        if !outcome.succeeded { throw ExitCode(1) }
    }
}
