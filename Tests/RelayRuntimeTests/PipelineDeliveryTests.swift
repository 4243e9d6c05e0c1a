import RelayAlerts
import RelayConfig
import RelayCore
import RelayDemo
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import Testing

/// End to end against the sandbox: Genesys org → ccrelay (SQLite state) → Splunk HEC.
@Suite("Pipeline delivery")
struct PipelineDeliveryTests {
    @Test("every generated record is delivered exactly once, and a re-read overlap adds nothing")
    func exactlyOnce() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 1_234)
            harness.clock.advance(by: .seconds(1))
            let runtime = try harness.makeRuntime()

            let first = try await harness.runOnce(runtime)
            #expect(first.succeeded)
            #expect(first.delivered == 1_234)
            #expect(
                harness.verification == DemoVerification(generated: 1_234, delivered: 1_234, duplicates: 0, missing: 0))

            // The next cycle's look-back window re-reads everything; the ledger drops it all.
            harness.clock.advance(by: .seconds(60))
            let second = try await harness.runOnce(runtime)
            #expect(second.succeeded)
            #expect(second.delivered == 0)
            #expect(runtime.telemetry.source("genesys").duplicates == 1_234)
            #expect(harness.hec.events.count == 1_234)
        }
    }

    @Test("indexed events carry the HEC envelope and the normalized schema")
    func envelopeAndSchema() async throws {
        try await PipelineHarness.with { harness in
            let ids = harness.org.generate(count: 20)
            harness.clock.advance(by: .seconds(1))
            _ = try await harness.runOnce(try harness.makeRuntime())
            let events = harness.hec.events
            #expect(events.count == 20)
            for event in events {
                #expect(event.index == "ccas")
                #expect(event.sourcetype == "ccas:auditlog")
                #expect(event.source == "genesys:audit")
                #expect(event.searchEvent["platform"] == "genesys")
                #expect(event.searchEvent["source_kind"] == "audit")
                #expect(event.fields["event_id"] == event.searchEvent["event_id"])
                #expect(event.searchEvent["timestamp"]?.stringValue?.hasSuffix("Z") == true)
                #expect(event.searchEvent["event_type"]?.stringValue?.isEmpty == false)
            }
            let expected = Set(ids.map { EventID.make(platform: .genesys, nativeID: $0) })
            #expect(Set(events.compactMap { $0.fields["event_id"]?.stringValue }) == expected)
        }
    }

    @Test("an HEC outage shorter than the retry budget loses nothing and duplicates nothing")
    func outageThenRecovery() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 300)
            harness.clock.advance(by: .seconds(1))
            harness.hec.injectFaults([.busy, .dropConnection, .internalError, .unhealthy])
            let runtime = try harness.makeRuntime(batchMaxEvents: 100)
            let report = try await harness.runOnce(runtime)
            #expect(report.succeeded)
            #expect(report.deadLettered == 0)
            #expect(runtime.telemetry.sink("splunk").failedAttempts == 4)
            #expect(harness.verification == DemoVerification(generated: 300, delivered: 300, duplicates: 0, missing: 0))
        }
    }

    @Test("a batch that keeps failing moves to dead letters with the last error after the attempt limit")
    func deadLetterAfterAttempts() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 10)
            harness.clock.advance(by: .seconds(1))
            harness.hec.injectFaults(Array(repeating: .internalError, count: 3))
            let runtime = try harness.makeRuntime(maxAttempts: 3)
            let report = try await harness.runOnce(runtime)
            #expect(report.deadLettered == 10)
            #expect(try await runtime.store.outboxDepth(sink: "splunk") == 0)
            let letters = try await runtime.store.deadLetters(limit: 100)
            #expect(letters.count == 10)
            #expect(letters.allSatisfy { $0.sink == "splunk" && $0.attempts == 3 && $0.reason.contains("code 8") })
            #expect(harness.hec.events.isEmpty)
        }
    }

    @Test("a token that expires mid-run is refreshed exactly once")
    func tokenExpiry() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 50)
            harness.clock.advance(by: .seconds(1))
            let runtime = try harness.makeRuntime()
            _ = try await harness.runOnce(runtime)
            let before = harness.org.stats
            #expect(before.tokenRequests == 1)

            harness.org.expireAllTokens()
            harness.org.generate(count: 50)
            harness.clock.advance(by: .seconds(60))
            let report = try await harness.runOnce(runtime)
            #expect(report.succeeded)
            let after = harness.org.stats
            #expect(after.tokenRequests == 2)
            #expect(after.unauthorizedResponses == 1)
            #expect(harness.verification.missing == 0)
            #expect(harness.verification.duplicates == 0)
        }
    }

    @Test("late-persisted records inside the look-back window are delivered by a later cycle")
    func latePersistence() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 10)
            let eventDate = harness.clock.now.advanced(by: .seconds(-30))
            harness.org.insert(
                auditRecord(id: "late-0001", eventDate: eventDate.timestamp.iso8601),
                visibleAt: harness.clock.now.advanced(by: .seconds(90))
            )
            harness.clock.advance(by: .seconds(1))
            let runtime = try harness.makeRuntime()
            _ = try await harness.runOnce(runtime)
            #expect(harness.hec.events.count == 10)

            harness.clock.advance(by: .seconds(120))
            _ = try await harness.runOnce(runtime)
            #expect(harness.verification == DemoVerification(generated: 11, delivered: 11, duplicates: 0, missing: 0))
        }
    }

    @Test("a malformed record is dead-lettered with its raw text and the rest of the page flows")
    func malformedRecord() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 30)
            harness.org.insertMalformedRecord(
                serviceName: "Routing", rawJSON: #"{"id":"bad-1","serviceName":"Routing"}"#)
            harness.org.insertMalformedRecord(
                serviceName: "Directory",
                rawJSON: JSONWriter.string(.object(auditRecord(id: "bad-2", eventDate: "last tuesday"))))
            harness.clock.advance(by: .seconds(1))
            let runtime = try harness.makeRuntime()
            let report = try await harness.runOnce(runtime)
            #expect(report.delivered == 30)
            let letters = try await runtime.store.deadLetters(limit: 10)
            #expect(letters.count == 2)
            #expect(letters.allSatisfy { $0.origin == "genesys" && $0.sink == nil })
            let texts = letters.map { String(decoding: $0.payload, as: UTF8.self) }
            #expect(texts.contains { $0.contains("bad-1") })
            #expect(
                letters.contains {
                    $0.reason.contains("eventDate")
                        && String(decoding: $0.payload, as: UTF8.self).contains("last tuesday")
                })
        }
    }

    @Test("a malformed page leaves the checkpoint in place and the next cycle delivers everything")
    func malformedPage() async throws {
        try await PipelineHarness.with(
            orgConfiguration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0)
        ) { harness in
            harness.org.generate(count: 40)
            harness.clock.advance(by: .seconds(1))
            harness.org.failNextRealtimeQueries(1, with: .invalidJSON)
            let runtime = try harness.makeRuntime()
            let failed = try await harness.runOnce(runtime)
            #expect(failed.failedSources == ["genesys"])
            #expect(try await runtime.store.checkpoint(source: "genesys", partition: "Routing") == nil)
            #expect(harness.hec.events.isEmpty)

            harness.clock.advance(by: .seconds(60))
            let retried = try await harness.runOnce(runtime)
            #expect(retried.succeeded)
            #expect(harness.verification == DemoVerification(generated: 40, delivered: 40, duplicates: 0, missing: 0))
            #expect(try await runtime.store.checkpoint(source: "genesys", partition: "Routing") != nil)
        }
    }

    @Test("a restart on the same state delivers what the previous run left in the outbox, once")
    func restartResumesOutbox() async throws {
        try await PipelineHarness.with { harness in
            harness.org.generate(count: 500)
            harness.clock.advance(by: .seconds(1))
            // First run: intake completes, HEC refuses every attempt within the deadline window.
            harness.hec.injectFaults(Array(repeating: .busy, count: 2))
            let first = try harness.makeRuntime(batchMaxEvents: 100)
            let deadline = harness.clock.now
            let report = try await first.runOnce(deadline: deadline)
            #expect(report.remaining == 500)
            #expect(harness.hec.events.isEmpty)

            // "Restart": a new runtime on the same file; claims of the old one are released.
            let second = try harness.makeRuntime(batchMaxEvents: 100)
            let drained = try await harness.driveClock {
                try await second.drain(deadline: harness.clock.now.advanced(by: .seconds(3600)))
            }
            #expect(drained.remaining == 0)
            #expect(harness.verification == DemoVerification(generated: 500, delivered: 500, duplicates: 0, missing: 0))
        }
    }
}

/// A REST AuditLogMessage as Genesys returns it.
func auditRecord(id: String, eventDate: String) -> JSONObject {
    JSONObject([
        "id": .string(id),
        "userHomeOrgId": "6f1e2d3c-0000-4000-8000-000000000001",
        "user": [
            "id": "9a8b7c6d-0000-4000-8000-000000000002", "name": "Ada Admin",
            "selfUri": "/api/v2/users/9a8b7c6d-0000-4000-8000-000000000002",
        ],
        "client": ["id": "", "selfUri": ""],
        "remoteIp": ["203.0.113.7"],
        "serviceName": "Routing",
        "level": "USER",
        "eventDate": .string(eventDate),
        "action": "Create",
        "entity": [
            "id": "4d3c2b1a-0000-4000-8000-000000000003", "name": "Billing",
            "selfUri": "/api/v2/routing/queues/4d3c2b1a-0000-4000-8000-000000000003",
        ],
        "entityType": "Queue",
        "status": "SUCCESS",
        "application": "directory",
        "propertyChanges": [["property": "name", "oldValues": [], "newValues": ["Billing"]]],
    ])
}
