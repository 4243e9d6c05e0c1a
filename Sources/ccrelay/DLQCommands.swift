import ArgumentParser
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime

struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect, replay and purge dead letters (what could not be delivered or not even normalized).",
        discussion: """
            Only the `state` section of --config is read, so the sources' and sinks' secrets need not be set.
            Delivery dead letters (a sink is named) can be replayed into the outbox of the same sink; intake dead
            letters (no sink: records that never normalized) cannot, `show` prints their raw text.
            Exit codes: 0 done; 1 the store or the request failed (unknown id, bad date); 2 unreadable configuration.
            """,
        subcommands: [DLQListCommand.self, DLQShowCommand.self, DLQReplayCommand.self, DLQPurgeCommand.self]
    )
}

/// `--config` and opening the store it names.
struct DLQOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Configuration file (YAML); its state section locates the store.")
    var config: String

    /// Runs `body` with the operations on the configured store, mapping failures to exit codes.
    func run(_ body: (DeadLetterOperations) async throws -> Void) async throws {
        let store: any StateStore
        do {
            store = try StateLocator.openStore(configPath: config)
        } catch let error as ConfigError {
            printError("\(config): \(error)")
            throw ExitCode(2)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        do {
            try await store.whileRunning { try await body(DeadLetterOperations(store: store)) }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

struct DLQListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dead letters, newest first: id, origin, sink, event_id, attempts, created, reason (truncated)."
    )

    @OptionGroup var options: DLQOptions

    @Option(help: "Only the dead letters of this sink.")
    var sink: String?

    @Option(help: "Most dead letters to list.")
    var limit: Int = 100

    func run() async throws {
        try await options.run { operations in
            for line in try await operations.list(limit: limit, sink: sink) { writeLine(line) }
        }
    }
}

struct DLQShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one dead letter in full, its payload as text."
    )

    @OptionGroup var options: DLQOptions

    @Argument(help: "The dead letter's id (from `dlq list`).")
    var id: Int64

    func run() async throws {
        try await options.run { operations in writeLine(try await operations.show(id: id)) }
    }
}

struct DLQReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Put dead letters back into the outbox of the sink they left (same event_id and payload).",
        discussion: """
            A running pipeline picks them up within a second; otherwise the next `ccrelay run` or `once` delivers them.
            Intake dead letters cannot be replayed: they never normalized, so there is no event to deliver.
            """
    )

    @OptionGroup var options: DLQOptions

    @Option(help: "Only dead letters of this sink.")
    var sink: String?

    @Option(help: "Replay the dead letter with this id.")
    var id: Int64?

    @Flag(help: "Replay every replayable dead letter (of --sink when given).")
    var all = false

    func validate() throws {
        if id == nil, !all { throw ValidationError("say which dead letters to replay: --id ID or --all") }
        if id != nil, all { throw ValidationError("--id and --all exclude each other") }
    }

    func run() async throws {
        try await options.run { operations in
            writeLine(try await operations.replay(sink: sink, id: id, all: all).summary)
        }
    }
}

struct DLQPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete dead letters created before a date.",
        discussion: "DATE is ISO 8601: 2026-01-31 (midnight UTC) or a date-time with its offset, 2026-01-31T12:00:00Z."
    )

    @OptionGroup var options: DLQOptions

    @Option(help: "Delete dead letters created before this ISO 8601 date or date-time.")
    var before: String

    func validate() throws {
        do {
            _ = try DeadLetterOperations.parseDate(before)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() async throws {
        try await options.run { operations in
            let purged = try await operations.purge(before: before)
            writeLine(
                "purged \(purged) dead letter(s) created before \(try DeadLetterOperations.parseDate(before).timestamp.iso8601)"
            )
        }
    }
}
