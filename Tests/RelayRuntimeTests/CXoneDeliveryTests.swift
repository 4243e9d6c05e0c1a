import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import Testing

/// End to end against the sandbox: CXone tenant → ccrelay (SQLite state) → Splunk HEC.
@Suite("CXone delivery")
struct CXoneDeliveryTests {
    @Test("admin changes and agent logins arrive normalized in the index, exactly once")
    func normalizedExactlyOnce() async throws {
        try await CXoneHarness.with { harness in
            let changes = harness.tenant.generateChanges(count: 120)
            let logins = harness.tenant.generateLogins(count: 30)
            harness.clock.advance(by: .seconds(1))
            let runtime = try harness.makeRuntime(pageSize: 25)
            let report = try await harness.runOnce(runtime)
            #expect(report.succeeded)
            #expect(report.delivered == 150)
            let events = harness.hec.events
            #expect(events.count == 150)
            #expect(Set(harness.indexedEventIDs).count == 150)
            for event in events {
                #expect(event.source == "cxone:audit")
                #expect(event.searchEvent["platform"] == "cxone")
                #expect(event.searchEvent["source_kind"] == "audit")
                #expect(event.searchEvent["timestamp"]?.stringValue?.hasSuffix("Z") == true)
                #expect(event.fields["event_id"] == event.searchEvent["event_id"])
            }
            let loginEvents = events.filter { $0.searchEvent["event_type"] == "AGENT_LOGIN" }
            #expect(loginEvents.count == logins.count)
            #expect(Set(loginEvents.compactMap { $0.searchEvent["target_type"]?.stringValue }) == ["Station"])
            // Every change is there, as its kind's event type, entity, column and values.
            let arrived = Set(
                events.filter { $0.searchEvent["event_type"] != "AGENT_LOGIN" }.map { event in
                    [
                        event.searchEvent["event_type"]?.stringValue, event.searchEvent["target_id"]?.stringValue,
                        event.searchEvent["old_value"]?.stringValue, event.searchEvent["new_value"]?.stringValue,
                    ].map { $0 ?? "-" }.joined(separator: " ")
                })
            let typeByKind: [CXoneSandboxEntityKind: String] = [
                .campaigns: "CAMPAIGN_MODIFIED", .dispositions: "DISPOSITION_MODIFIED",
                .scriptSchedules: "SCRIPT_SCHEDULE_MODIFIED",
                .stationProfiles: "STATION_PROFILE_MODIFIED", .stations: "STATION_MODIFIED",
                .unavailableCodes: "UNAVAILABLE_CODE_MODIFIED",
            ]
            let expected = Set(
                changes.map { change in
                    [
                        typeByKind[change.kind] ?? "?", String(change.entityID),
                        "{\"\(change.columnName)\":\"\(change.oldValue)\"}",
                        "{\"\(change.columnName)\":\"\(change.newValue)\"}",
                    ].joined(separator: " ")
                })
            #expect(arrived == expected)
            #expect(events.allSatisfy { $0.searchEvent["actor_name"]?.stringValue?.isEmpty == false })

            // The next cycle's overlap re-reads everything; the ledger drops it all.
            harness.clock.advance(by: .seconds(60))
            let again = try await harness.runOnce(runtime)
            #expect(again.succeeded)
            #expect(again.delivered == 0)
            #expect(runtime.telemetry.source("cxone").duplicates == 150)
            #expect(harness.hec.events.count == 150)
        }
    }

    @Test("across a restart on the same state file nothing is lost and nothing is delivered twice")
    func acrossRestart() async throws {
        try await CXoneHarness.with { harness in
            harness.tenant.generateChanges(count: 40)
            harness.tenant.generateLogins(count: 10)
            harness.clock.advance(by: .seconds(1))
            let first = try harness.makeRuntime()
            #expect(try await harness.runOnce(first).delivered == 50)
            try first.store.close()

            // While ccrelay is down, more happens; a new runtime resumes from the stored checkpoints.
            harness.clock.advance(by: .seconds(90))
            harness.tenant.generateChanges(count: 25)
            harness.tenant.generateLogins(count: 5)
            harness.clock.advance(by: .seconds(1))
            let second = try harness.makeRuntime()
            let report = try await harness.runOnce(second)
            #expect(report.succeeded)
            #expect(report.delivered == 30)
            #expect(second.telemetry.source("cxone").duplicates == 50)

            // A third start long after: the watermark moved past the old entries, so none are re-read.
            try second.store.close()
            harness.clock.advance(by: .seconds(900))
            let third = try harness.makeRuntime()
            _ = try await harness.runOnce(third)
            harness.clock.advance(by: .seconds(60))
            let last = try await harness.runOnce(third)
            #expect(last.delivered == 0)

            #expect(harness.hec.events.count == 80)
            #expect(Set(harness.indexedEventIDs).count == 80)
            #expect(harness.hec.events.filter { $0.searchEvent["event_type"] == "AGENT_LOGIN" }.count == 15)
        }
    }

    @Test("a tenant writing local times without an offset is read in the configured zone")
    func configuredZone() async throws {
        let tenant = CXoneTenantConfiguration(dateStyle: .noOffset(offsetSeconds: 2 * 3600))
        try await CXoneHarness.with(tenant: tenant) { harness in
            let at = harness.clock.now.timestamp
            harness.tenant.generateChanges(count: 5)
            harness.tenant.generateLogins(count: 2)
            harness.clock.advance(by: .seconds(1))
            _ = try await harness.runOnce(try harness.makeRuntime(timezoneOffset: "+02:00"))
            let events = harness.hec.events
            #expect(events.count == 7)
            #expect(events.allSatisfy { $0.searchEvent["timestamp"]?.stringValue == at.iso8601 })
            #expect(events.allSatisfy { $0.searchEvent["attributes"]?["assumed_utc_offset"] == "+02:00" })
        }
    }

    @Test("configuration problems are reported at their YAML paths")
    func configurationProblems() throws {
        let yaml = """
            sources:
              cxone:
                type: cxone_audit
                access_key_id: key
                access_key_secret: secret
                client_id: app
                client_secret: app-secret
                entities: [campaigns, skills]
                timezone_offset: EST
            sinks:
              out:
                type: stdout
            """
        do {
            _ = try ConfigLoader(interpolation: Interpolation(environment: { _ in nil })).load(yaml: yaml)
            Issue.record("an invalid cxone_audit block was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("sources.cxone.tenant_id"))
            #expect(text.contains("sources.cxone.entities[1]"))
            #expect(text.contains("sources.cxone.timezone_offset"))
            #expect(!text.contains("app-secret"))
        }
    }
}
