import Foundation
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayState
import RelayTesting
import Testing

/// Events older than 18 h never reach Datadog: through real workers and the state store they move
/// to the fallback sink's outbox and are delivered there.
@Suite("Datadog fallback for out-of-window events", .timeLimit(.minutes(2)))
struct DatadogFallbackTests {
    @Test("old events go to the fallback sink (a file), fresh ones to Datadog, none is lost or sent twice")
    func fallback() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await withScratchDirectory("compliance") { (directory: String) async throws in
            let store = try SinkComplianceKit.openStore(directory)
            let fresh = SinkComplianceKit.records(20, clock: clock, sink: "datadog", offset: .seconds(-3600))
            let old = SinkComplianceKit.records(
                15, clock: clock, sink: "datadog", offset: .seconds(-19 * 3600), first: 100)
            _ = try await store.append(fresh + old, deadLetters: [], checkpoint: nil, now: clock.now)
            let archive = FileSink(
                configuration: FileSinkConfiguration(name: "archive", path: directory + "/archive.ndjson"),
                clock: clock,
                logger: SinkComplianceKit.logger)
            try await Sandbox.withRunning(datadog: intake, logger: SinkComplianceKit.logger) {
                (url: String) async throws in
                let datadog = DatadogLogsSink(
                    configuration: DatadogLogsSinkConfiguration(
                        name: "datadog", endpoint: url, apiKey: DatadogIntakeConfiguration.defaultAPIKey,
                        fallback: "archive"),
                    transport: HTTPTransport(), clock: clock, logger: SinkComplianceKit.logger)
                let deadline = clock.now.advanced(by: .seconds(600))
                let sent = try await SinkComplianceKit.worker(datadog, store: store, clock: clock).drain(
                    until: deadline)
                #expect(sent.delivered == fresh.count)
                #expect(sent.deadLettered == 0)
                #expect(sent.remaining == 0)
                #expect(try await store.outboxDepth(sink: "archive") == old.count)
                #expect(datadog.outOfWindow.rerouted == old.count)

                let archived = try await SinkComplianceKit.worker(archive, store: store, clock: clock).drain(
                    until: deadline)
                #expect(archived.delivered == old.count)
            }
            #expect(intake.logs.compactMap(\.eventID).sorted() == fresh.map(\.eventID).sorted())
            #expect(intake.stats.droppedForAge == 0, "nothing old was even offered to Datadog")
            let lines = String(
                decoding: try Data(contentsOf: URL(fileURLWithPath: directory + "/archive.ndjson")), as: UTF8.self
            )
            .split(separator: "\n").map { try? JSONParser.parse(String($0))["event_id"]?.stringValue }
            #expect(lines.compactMap { $0 }.sorted() == old.map(\.eventID).sorted())
            #expect(try await store.deadLetters(limit: 10).isEmpty)
        }
    }

    @Test("without a fallback, old events are dead-lettered with the reason and never sent")
    func deadLetters() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await withScratchDirectory("compliance") { (directory: String) async throws in
            let store = try SinkComplianceKit.openStore(directory)
            let old = SinkComplianceKit.records(3, clock: clock, sink: "datadog", offset: .seconds(-20 * 3600))
            _ = try await store.append(old, deadLetters: [], checkpoint: nil, now: clock.now)
            try await Sandbox.withRunning(datadog: intake, logger: SinkComplianceKit.logger) {
                (url: String) async throws in
                let datadog = DatadogLogsSink(
                    configuration: DatadogLogsSinkConfiguration(
                        name: "datadog", endpoint: url, apiKey: DatadogIntakeConfiguration.defaultAPIKey),
                    transport: HTTPTransport(), clock: clock, logger: SinkComplianceKit.logger)
                let result = try await SinkComplianceKit.worker(datadog, store: store, clock: clock).drain(
                    until: clock.now.advanced(by: .seconds(600)))
                #expect(result.deadLettered == old.count)
                #expect(datadog.outOfWindow.deadLettered == old.count)
            }
            #expect(intake.stats.requests == 0)
            let letters = try await store.deadLetters(limit: 10)
            #expect(Set(letters.compactMap(\.eventID)) == Set(old.map(\.eventID)))
            #expect(letters.allSatisfy { $0.reason.contains("older than 18 h") })
        }
    }
}
