import Logging
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayState
import Testing

/// Delivery you can audit, through the whole pipeline against the sandbox HEC.
@Suite("Splunk HEC delivery guarantees")
struct HECDeliveryTests {
    @Test("with indexer acknowledgement, lost acks lead to resends and no loss; duplicates equal the resends")
    func lostAcknowledgements() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 300)
            harness.clock.advance(by: .seconds(1))
            harness.hec.loseAcks(1)
            let runtime = try harness.makeRuntime(batchMaxEvents: 100, hecToken: SplunkHECConfiguration.defaultAckToken)
            let report = try await harness.runOnce(runtime)
            #expect(report.succeeded)
            #expect(report.delivered == 300)
            #expect(try await runtime.store.outboxDepth(sink: "splunk") == 0)
            let counters = runtime.telemetry.sink("splunk")
            #expect(counters.resent == 100)
            let verification = harness.verification
            #expect(verification.missing == 0)
            #expect(verification.duplicates == counters.resent)
            #expect(harness.hec.stats.ackQueries > 0)
        }
    }

    @Test("acknowledged batches leave the outbox only once their ackId reads true")
    func rowsStayUntilAcknowledged() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 50)
            harness.clock.advance(by: .seconds(1))
            harness.hec.loseAcks(1)
            let runtime = try harness.makeRuntime(hecToken: SplunkHECConfiguration.defaultAckToken)
            // A deadline shorter than the acknowledgement timeout: the batch is indexed but its
            // acknowledgement never came, so its rows must still be in the outbox.
            let report = try await harness.runOnce(runtime, within: .seconds(120))
            #expect(harness.hec.events.count == 50)
            #expect(report.remaining == 50)
            #expect(!report.succeeded)
        }
    }

    @Test("a poisoned event in a batch of 1000 costs exactly that one event")
    func poisonedEvent() async throws {
        try await PipelineHarness.with { harness in
            let runtime = try harness.makeRuntime(batchMaxEvents: 1000)
            var records = (0..<1000).map { number -> PendingRecord in
                let event = Event(
                    eventID: EventID.make(platform: .genesys, nativeID: "native-\(number)"),
                    timestamp: harness.clock.now.timestamp, platform: .genesys, sourceKind: "audit",
                    eventType: "QUEUE_UPDATED")
                return PendingRecord(
                    eventID: event.eventID, timestamp: event.timestamp, platform: .genesys, payload: event.encoded(),
                    sinks: ["splunk"])
            }
            records[617].payload = Array(#""""#.utf8)  // HEC refuses a blank event (code 13)
            _ = try await runtime.store.append(records, deadLetters: [], checkpoint: nil, now: harness.clock.now)

            let report = try await harness.runOnce(runtime)
            #expect(report.delivered == 999)
            #expect(report.deadLettered == 1)
            #expect(harness.hec.events.count == 999)
            let letters = try await runtime.store.deadLetters(limit: 10)
            #expect(letters.count == 1)
            #expect(letters.first?.eventID == records[617].eventID)
            #expect(letters.first?.reason.contains("code 13") == true)
            #expect(runtime.telemetry.sink("splunk").failedAttempts == 0)
        }
    }

    @Test(
        "event 37 of 100 invalid: HEC indexes the 37 before it, ccrelay resends only those after it",
        arguments: [SplunkHECConfiguration.defaultToken, SplunkHECConfiguration.defaultAckToken])
    func invalidEventMidBatch(token: String) async throws {
        try await PipelineHarness.with { harness in
            let runtime = try harness.makeRuntime(batchMaxEvents: 100, hecToken: token)
            var records = (0..<100).map { number -> PendingRecord in
                let event = Event(
                    eventID: EventID.make(platform: .genesys, nativeID: "mid-\(number)"),
                    timestamp: harness.clock.now.timestamp, platform: .genesys, sourceKind: "audit",
                    eventType: "QUEUE_UPDATED")
                return PendingRecord(
                    eventID: event.eventID, timestamp: event.timestamp, platform: .genesys, payload: event.encoded(),
                    sinks: ["splunk"])
            }
            records[37].payload = Array(#"{"truncated":"#.utf8)  // HEC code 6, invalid data format
            _ = try await runtime.store.append(records, deadLetters: [], checkpoint: nil, now: harness.clock.now)

            let report = try await harness.runOnce(runtime)
            #expect(report.delivered == 99)
            #expect(report.deadLettered == 1)
            let indexed = harness.hec.events.compactMap { $0.fields["event_id"]?.stringValue }
            #expect(indexed.count == 99)
            #expect(Set(indexed).count == 99)
            #expect(Set(indexed) == Set(records.map(\.eventID)).subtracting([records[37].eventID]))
            #expect(harness.hec.stats.partiallyIndexedBatches == 1)
            let letters = try await runtime.store.deadLetters(limit: 10)
            #expect(letters.map(\.eventID) == [records[37].eventID])
            #expect(letters.first?.reason.contains("code 6") == true)
            #expect(runtime.telemetry.sink("splunk").resent == 0)
        }
    }

    @Test("a rotated HEC token halts extraction without moving cursors, and it resumes by itself when valid again")
    func rotatedTokenHaltsIntake() async throws {
        let services = GenesysOrgConfiguration(
            services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0)
        try await PipelineHarness.with(orgConfiguration: services) { harness in
            harness.org.generate(count: 100)
            harness.clock.advance(by: .seconds(1))
            let runtime = try harness.makeRuntime()
            #expect(try await harness.runOnce(runtime).succeeded)

            // Rotation: the running token is rejected from now on.
            harness.hec.revokeToken(SplunkHECConfiguration.defaultToken)
            harness.org.generate(count: 100)
            harness.clock.advance(by: .seconds(60))
            let rejected = try await harness.runOnce(runtime, within: .seconds(600))
            #expect(rejected.remaining == 100)
            #expect(rejected.deadLettered == 0)
            #expect(runtime.health.rejection(of: "splunk")?.contains("code 4") == true)

            // While rejected, cycles are skipped: the checkpoint stays where it was.
            let checkpoint = try await runtime.store.checkpoint(source: "genesys", partition: "Routing")
            harness.org.generate(count: 100)
            harness.clock.advance(by: .seconds(60))
            let halted = try await harness.runOnce(runtime, within: .seconds(60))
            #expect(halted.failedSources == ["genesys"])
            #expect(try await runtime.store.checkpoint(source: "genesys", partition: "Routing") == checkpoint)

            // The token works again: intake resumes and everything arrives once.
            harness.hec.restoreToken(SplunkHECConfiguration.defaultToken)
            harness.clock.advance(by: .seconds(60))
            let recovered = try await harness.runOnce(runtime)
            #expect(recovered.succeeded)
            #expect(runtime.health.rejection(of: "splunk") == nil)
            #expect(harness.verification == DemoVerification(generated: 300, delivered: 300, duplicates: 0, missing: 0))
        }
    }
}
