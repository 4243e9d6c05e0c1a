import Foundation
import Testing

/// `ccrelay pattern test`, run as a user runs it.
@Suite("ccrelay pattern test", .serialized)
struct PatternCommandTests {
    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ccrelay-pattern-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func run(pattern: String, event: String) throws -> (status: Int32, output: String, errors: String) {
        let patternFile = try file(pattern)
        let eventFile = try file(event)
        defer {
            try? FileManager.default.removeItem(at: patternFile)
            try? FileManager.default.removeItem(at: eventFile)
        }
        return try CommandLineTests.runToEnd([
            "pattern", "test", "--pattern", patternFile.path, "--event", eventFile.path,
        ])
    }

    static let pattern =
        #"{"source":[{"prefix":"aws.partner/genesys.com"}],"detail":{"eventBody":{"action":["Delete"]}}}"#

    @Test("a matching event prints match and exits 0")
    func match() throws {
        let result = try Self.run(
            pattern: Self.pattern,
            event: #"{"source":"aws.partner/genesys.com/cloud/o/s","detail":{"eventBody":{"action":"Delete"}}}"#
        )
        #expect(result.status == 0)
        #expect(result.output == "match\n")
    }

    @Test("another event prints no match and exits 1")
    func noMatch() throws {
        let result = try Self.run(
            pattern: Self.pattern,
            event: #"{"source":"aws.partner/genesys.com/cloud/o/s","detail":{"eventBody":{"action":"Update"}}}"#
        )
        #expect(result.status == 1)
        #expect(result.output == "no match\n")
    }

    @Test("an invalid pattern exits 2 with its path and reason")
    func invalidPattern() throws {
        let result = try Self.run(pattern: #"{"detail":{"n":[{"numeric":["<",5,">",0]}]}}"#, event: "{}")
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.errors.contains("detail.n[0]"))
        #expect(result.errors.contains("numeric"))
    }

    @Test("an event that is not JSON exits 2 with the byte offset")
    func invalidEvent() throws {
        let result = try Self.run(pattern: Self.pattern, event: #"{"source": }"#)
        #expect(result.status == 2)
        #expect(result.errors.contains("invalid JSON at byte 11"))
    }
}
