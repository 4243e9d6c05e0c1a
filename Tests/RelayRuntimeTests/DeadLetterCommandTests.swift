import Foundation
import RelayAlerts
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayState
import RelayTesting
import Testing

/// A real SQLite store with two delivery dead letters of sink `splunk`, one of sink `archive`,
/// one row still in the `splunk` outbox and one intake dead letter of source `genesys`.
struct DeadLetterFixture: Sendable {
    let store: SQLiteStateStore
    let clock: ManualClock
    let directory: String
    var operations: DeadLetterOperations { DeadLetterOperations(store: store, clock: clock) }

    static let longReason =
        "HEC answered code 6 (Invalid data format) for event 3: " + String(repeating: "detail ", count: 20)

    static func with<T: Sendable>(_ body: @Sendable (DeadLetterFixture) async throws -> T) async throws -> T {
        let scratch = try ScratchDirectory("dlq")
        defer { scratch.remove() }
        let directory = scratch.path
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: directory + "/state.sqlite"))
        let clock = ManualClock()
        func record(_ id: String, _ sinks: [String]) -> PendingRecord {
            PendingRecord(
                eventID: id, timestamp: clock.now.timestamp, platform: .genesys,
                payload: Array(#"{"event_id":"\#(id)"}"#.utf8),
                sinks: sinks)
        }
        let intake = DeadLetterDraft(
            origin: "genesys", sink: nil, eventID: nil,
            payload: Array(#"{"id":"bad-1","eventDate":"last tuesday"}"#.utf8),
            reason: "invalid timestamp \"last tuesday\"", attempts: 1)
        _ = try await store.append(
            [record("e1", ["splunk"]), record("e2", ["splunk"]), record("e3", ["splunk"]), record("e4", ["archive"])],
            deadLetters: [intake], checkpoint: nil, now: clock.now)
        clock.advance(by: .seconds(3600))
        let lease = clock.now.advanced(by: .seconds(600))
        let splunk = try await store.claim(
            sink: "splunk", maxEvents: 2, maxBytes: 1 << 20, now: clock.now, leaseUntil: lease)
        try await store.deadLetter(sink: "splunk", entries: splunk, reason: longReason, attempts: 5, now: clock.now)
        let archive = try await store.claim(
            sink: "archive", maxEvents: 10, maxBytes: 1 << 20, now: clock.now, leaseUntil: lease)
        try await store.deadLetter(sink: "archive", entries: archive, reason: "HTTP 413", attempts: 1, now: clock.now)
        return try await body(DeadLetterFixture(store: store, clock: clock, directory: directory))
    }

    func letters() async throws -> [DeadLetter] { try await store.deadLetters(limit: 100) }
}

@Suite("Dead-letter commands")
struct DeadLetterCommandTests {
    @Test("list shows id, origin, sink, event_id, attempts, created and a one-line truncated reason, newest first")
    func list() async throws {
        try await DeadLetterFixture.with { fixture in
            let lines = try await fixture.operations.list()
            #expect(lines.count == 5)
            #expect(
                lines[0].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                    == ["ID", "ORIGIN", "SINK", "EVENT_ID", "ATTEMPTS", "CREATED", "REASON"])
            let splunkRow = try #require(lines.first { $0.contains(" e1 ") })
            #expect(
                splunkRow.contains("splunk") && splunkRow.contains(" 5 ")
                    && splunkRow.contains("2026-01-01T01:00:00.000Z"))
            #expect(splunkRow.hasSuffix("…"))
            #expect(splunkRow.count < 200)
            let intakeRow = try #require(lines.first { $0.contains("genesys") })
            #expect(intakeRow.contains("invalid timestamp"))
            #expect(intakeRow.split(separator: " ", omittingEmptySubsequences: true)[2] == "-")

            let onlyArchive = try await fixture.operations.list(sink: "archive")
            #expect(onlyArchive.count == 2)
            #expect(onlyArchive[1].contains("e4"))
            #expect(try await fixture.operations.list(sink: "nowhere") == ["no dead letters for sink nowhere"])
        }
    }

    @Test("show prints one dead letter in full with its payload as text; an unknown id is an error")
    func show() async throws {
        try await DeadLetterFixture.with { fixture in
            let letters = try await fixture.letters()
            let delivery = try #require(letters.first { $0.eventID == "e1" })
            let text = try await fixture.operations.show(id: delivery.id)
            #expect(text.contains("sink:       splunk"))
            #expect(text.contains(DeadLetterFixture.longReason))
            #expect(text.contains(#"{"event_id":"e1"}"#))
            #expect(text.contains("attempts:   5"))

            let intake = try #require(letters.first { $0.sink == nil })
            let intakeText = try await fixture.operations.show(id: intake.id)
            #expect(intakeText.contains("never normalized"))
            #expect(intakeText.contains("last tuesday"))

            await #expect(throws: RelayError.self) { try await fixture.operations.show(id: 999_999) }
        }
    }

    @Test("replay --id puts one dead letter back into its sink's outbox")
    func replayOne() async throws {
        try await DeadLetterFixture.with { fixture in
            let letter = try #require(try await fixture.letters().first { $0.eventID == "e2" })
            let report = try await fixture.operations.replay(sink: nil, id: letter.id, all: false)
            #expect(report.replayed == 1)
            #expect(report.summary.contains("sink splunk"))
            #expect(try await fixture.store.outboxDepth(sink: "splunk") == 2)
            #expect(try await fixture.store.deadLetter(id: letter.id) == nil)
        }
    }

    @Test("replay of an intake dead letter explains that it never normalized and leaves it")
    func replayIntake() async throws {
        try await DeadLetterFixture.with { fixture in
            let intake = try #require(try await fixture.letters().first { $0.sink == nil })
            let report = try await fixture.operations.replay(sink: nil, id: intake.id, all: false)
            #expect(report.replayed == 0)
            #expect(report.notReplayable == 1)
            #expect(report.summary.contains("never normalized"))
            #expect(try await fixture.store.deadLetter(id: intake.id) != nil)
        }
    }

    @Test("replay --all --sink replays only that sink's; --all replays every delivery dead letter and says what stays")
    func replayAll() async throws {
        try await DeadLetterFixture.with { fixture in
            let archive = try await fixture.operations.replay(sink: "archive", id: nil, all: true)
            #expect(archive.replayed == 1)
            #expect(try await fixture.store.outboxDepth(sink: "archive") == 1)
            #expect(try await fixture.store.outboxDepth(sink: "splunk") == 1)

            let rest = try await fixture.operations.replay(sink: nil, id: nil, all: true)
            #expect(rest.replayed == 2)
            #expect(rest.notReplayable == 1)
            #expect(rest.summary.contains("splunk (2)"))
            #expect(rest.summary.contains("1 intake dead letter(s) stay"))
            #expect(try await fixture.store.outboxDepth(sink: "splunk") == 3)
            #expect(try await fixture.letters().map(\.origin) == ["genesys"])
        }
    }

    @Test("replay needs exactly one of --id and --all, and an --id must belong to --sink")
    func replayArguments() async throws {
        try await DeadLetterFixture.with { fixture in
            let letter = try #require(try await fixture.letters().first { $0.eventID == "e1" })
            for (sink, id, all) in [(nil, nil, false), (nil, letter.id, true), ("archive", letter.id, false)]
                as [(String?, Int64?, Bool)]
            {
                do {
                    _ = try await fixture.operations.replay(sink: sink, id: id, all: all)
                    Issue.record(
                        "replay(sink: \(String(describing: sink)), id: \(String(describing: id)), all: \(all)) did not fail"
                    )
                } catch let error as RelayError {
                    #expect(error.code == .invalidArgument)
                }
            }
            #expect(try await fixture.letters().count == 4)
        }
    }

    @Test("purge deletes dead letters created before a strictly parsed ISO 8601 date")
    func purge() async throws {
        try await DeadLetterFixture.with { fixture in
            // The intake dead letter was created at 00:00, the delivery ones at 01:00.
            let none = try await fixture.operations.purge(before: "2026-01-01")
            let intake = try await fixture.operations.purge(before: "2026-01-01T00:30:00Z")
            let rest = try await fixture.operations.purge(before: "2026-01-01T03:00:00.000+01:00")
            #expect([none, intake, rest] == [Int]([0, 1, 3]))
            #expect(try await fixture.letters().isEmpty)
        }
    }

    @Test("purge dates: a date or a date-time with offset; anything else is refused with the text quoted")
    func parseDate() throws {
        #expect(try DeadLetterOperations.parseDate("2026-01-31").timestamp.iso8601 == "2026-01-31T00:00:00.000Z")
        #expect(
            try DeadLetterOperations.parseDate("2026-01-31T12:00:00+02:00").timestamp.iso8601
                == "2026-01-31T10:00:00.000Z")
        for text in ["2026-1-31", "yesterday", "2026-01-31T12:00:00", "2026-02-30", "2026-01-31 12:00:00Z", ""] {
            do {
                _ = try DeadLetterOperations.parseDate(text)
                Issue.record("\"\(text)\" was accepted")
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("\"\(text)\""))
            }
        }
    }

    @Test("the state store is found from the state section alone, without the other secrets")
    func stateLocator() throws {
        let yaml = """
            state: {sqlite: {path: "${STATE_DIR}/state.sqlite"}}
            sources:
              g: {type: genesys_audit, client_id: a, client_secret: "${NOT_SET}"}
            """
        let interpolation = Interpolation(environment: { $0 == "STATE_DIR" ? "/var/lib/ccrelay" : nil })
        #expect(
            try StateLocator.sqlitePath(yaml: yaml, interpolation: interpolation) == "/var/lib/ccrelay/state.sqlite")
        #expect(
            try StateLocator.sqlitePath(yaml: "sources: {}", interpolation: interpolation)
                == StateConfiguration().sqlitePath)
        #expect(throws: ConfigError.self) { try StateLocator.sqlitePath(yaml: "state: {sqlite: {path: \"${NOPE}\"}}") }
        #expect(throws: RelayError.self) {
            try StateLocator.openStore(
                configPath: Self.writeConfig("state: {sqlite: {path: /nonexistent/ccrelay/state.sqlite}}"))
        }
    }

    static func writeConfig(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ccrelay-dlq-\(UUID().uuidString).yaml"
        ).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("dead letters of repeated HEC internal errors, replayed, are delivered by the pipeline once")
    func replayedRowsAreDelivered() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 30)
            harness.clock.advance(by: .seconds(1))
            harness.hec.injectFaults(Array(repeating: .internalError, count: 3))
            let runtime = try harness.makeRuntime(batchMaxEvents: 100, maxAttempts: 3)
            let failed = try await harness.runOnce(runtime)
            #expect(failed.deadLettered == 30)
            #expect(harness.hec.events.isEmpty)

            // As `ccrelay dlq` does: find the store from the configuration file and open it.
            let config = try Self.writeConfig(harness.configurationYAML(batchMaxEvents: 100, maxAttempts: 3))
            defer { try? FileManager.default.removeItem(atPath: config) }
            let store = try StateLocator.openStore(configPath: config)
            let operations = DeadLetterOperations(store: store, clock: harness.clock)
            #expect(try await operations.list().count == 31)
            let report = try await operations.replay(sink: "splunk", id: nil, all: true)
            #expect(report.replayed == 30)

            let again = try await harness.runOnce(runtime)
            #expect(again.delivered == 30)
            #expect(again.deadLettered == 0)
            #expect(harness.verification == DemoVerification(generated: 30, delivered: 30, duplicates: 0, missing: 0))
            #expect(try await operations.list() == ["no dead letters"])
        }
    }

    @Test("ccrelay dlq list and purge through the binary; a bad date exits non-zero without touching the store")
    func commandLine() async throws {
        try await DeadLetterFixture.with { fixture in
            let config = try Self.writeConfig("state: {sqlite: {path: \"\(fixture.directory)/state.sqlite\"}}")
            defer { try? FileManager.default.removeItem(atPath: config) }
            let list = try CommandLineTests.runToEnd(["dlq", "list", "--config", config])
            #expect(list.status == 0)
            #expect(list.output.contains("EVENT_ID") && list.output.contains("e1"))
            let bad = try CommandLineTests.runToEnd(["dlq", "purge", "--config", config, "--before", "last week"])
            #expect(bad.status != 0)
            #expect(bad.errors.contains("last week"))
            #expect(try await fixture.letters().count == 4)
            let purge = try CommandLineTests.runToEnd(["dlq", "purge", "--config", config, "--before", "2030-01-01"])
            #expect(purge.status == 0)
            #expect(purge.output.contains("purged 4"))
            let missing = try CommandLineTests.runToEnd(["dlq", "show", "424242", "--config", config])
            #expect(missing.status == 1)
            #expect(missing.errors.contains("424242"))
        }
    }
}
