import ArgumentParser
import Foundation
import RelayCore
import RelayPatterns

/// `ccrelay pattern`: tools for EventBridge event patterns (the language routes use).
struct PatternCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pattern",
        abstract: "Work with EventBridge event patterns.",
        subcommands: [PatternTestCommand.self]
    )
}

/// `ccrelay pattern test --pattern FILE --event FILE`: does the event match the pattern?
struct PatternTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Test an event against an EventBridge event pattern.",
        discussion: """
            Prints `match` (exit 0) or `no match` (exit 1). An unreadable file, invalid JSON (reported with its
            byte offset) or an invalid pattern (reported with the path inside the pattern) exits 2.
            """
    )

    @Option(help: "Event pattern file (JSON).")
    var pattern: String

    @Option(help: "Event file (one JSON object, e.g. an EventBridge event).")
    var event: String

    func run() throws {
        let patternJSON = try Self.readJSON(path: pattern)
        let compiled: EventPattern
        do {
            compiled = try EventPattern(compiling: patternJSON)
        } catch {
            printError("\(pattern): \(error)")
            throw ExitCode(2)
        }
        let eventJSON = try Self.readJSON(path: event)
        guard case .object = eventJSON else {
            printError("\(event): an event is a JSON object, not a \(eventJSON.kindName)")
            throw ExitCode(2)
        }
        if compiled.matches(eventJSON) {
            writeLine("match")
        } else {
            writeLine("no match")
            throw ExitCode(1)
        }
    }

    /// Reads and parses a JSON file, or exits 2 naming the file and the problem.
    private static func readJSON(path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("\(path): cannot read the file")
            throw ExitCode(2)
        }
        do {
            return try JSONParser.parse(data)
        } catch {
            printError("\(path): \(error)")
            throw ExitCode(2)
        }
    }
}
