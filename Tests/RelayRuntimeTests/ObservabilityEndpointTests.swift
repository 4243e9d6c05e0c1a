import Foundation
import RelayCore
import RelayState
import RelayTesting
import Testing

@testable import RelayObservability

@Suite("Observability endpoints")
struct ObservabilityEndpointTests {
    @Test("/metrics exposes every source and sink figure in Prometheus text")
    func metrics() async throws {
        try await ObservabilityFixture.with { fixture in
            let (status, contentType, text) = try await fixture.get("/metrics")
            #expect(status == 200)
            #expect(contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let generated = ObservabilityFixture.generated
            for line in [
                #"ccrelay_source_records_accepted_total{source="genesys"} \#(generated)"#,
                #"ccrelay_source_records_malformed_total{source="genesys"} 1"#,
                #"ccrelay_source_cycles_total{source="genesys"} 6"#,
                #"ccrelay_sink_events_delivered_total{sink="splunk"} \#(generated)"#,
                #"ccrelay_sink_events_delivered_total{sink="archive"} 0"#,
                #"ccrelay_sink_outbox_depth{sink="splunk"} 0.0"#,
                #"ccrelay_sink_outbox_depth{sink="archive"} \#(generated).0"#,
                #"ccrelay_sink_credential_rejected{sink="archive"} 1.0"#,
                #"ccrelay_sink_credential_rejected{sink="splunk"} 0.0"#,
                #"ccrelay_sink_batch_latency_seconds_count{sink="splunk"} 6"#,
                #"ccrelay_build_info{version="\#(BuildInfo.version)",commit="\#(BuildInfo.commit)"} 1.0"#,
            ] {
                #expect(text.contains(line + "\n"), "missing \(line)")
            }
            // The archive's oldest row waited since the cycle (the clock moved on while it was refused).
            let age = text.split(separator: "\n").first {
                $0.hasPrefix(#"ccrelay_sink_outbox_oldest_age_seconds{sink="archive"}"#)
            }
            #expect((age?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 60)
            #expect(text.contains(#"ccrelay_source_checkpoint_lag_seconds{source="genesys"}"#))
            // Token, service mapping and query calls of six cycles.
            let calls = text.split(separator: "\n").first {
                $0.hasPrefix(#"ccrelay_source_api_calls_total{source="genesys"}"#)
            }
            #expect((calls?.split(separator: " ").last.flatMap { Int($0) } ?? 0) >= 12)
            #expect(fixture.runtime.telemetry.source("genesys").apiCalls >= 12)
            #expect(text.contains("\nccrelay_process_resident_memory_bytes "))
            #expect(text.contains("\nccrelay_process_open_fds "))
            #expect(text.contains("\nccrelay_process_start_time_seconds "))
            // Every ccrelay family says what it means: a `# HELP` line right before its `# TYPE` line.
            let lines = text.split(separator: "\n")
            let families = lines.indices.filter { lines[$0].hasPrefix("# TYPE ccrelay_") }
            #expect(families.count >= 20)
            for index in families {
                let name = lines[index].split(separator: " ")[2]
                let help = index > 0 ? lines[index - 1] : ""
                #expect(
                    help.hasPrefix("# HELP \(name) ") && help.count > "# HELP \(name) ".count,
                    "no help text for \(name)")
            }
        }
    }

    @Test("/readyz is 503 with the reason while a sink's credential is rejected, 200 when it is accepted again")
    func readiness() async throws {
        try await ObservabilityFixture.with { fixture in
            let refused = try await fixture.get("/readyz")
            #expect(refused.status == 503)
            let body = try JSONParser.parse(refused.body)
            #expect(body["status"]?.stringValue == "not_ready")
            let reasons = body["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(reasons.count == 1)
            #expect(reasons.first?.hasPrefix("sink archive: credential rejected") == true)
            #expect(reasons.first?.contains("not-the-sandbox-token") == false)

            fixture.runtime.health.markAccepted("archive")
            let ready = try await fixture.get("/readyz")
            #expect(ready.status == 200)
            #expect(ready.body == #"{"status":"ready"}"#)
            // /healthz answers on the push listener only (a load balancer's check), not on the admin one.
            #expect(try await fixture.get("/healthz", on: fixture.pushURL).status == 200)
            #expect(try await fixture.get("/healthz").status == 404)
        }
    }

    @Test("/readyz is not ready, naming the state store without its password, when the store does not answer")
    func readinessWithoutStore() async throws {
        // Nothing listens on port 1: the store's first query fails at once.
        let store = PostgresStateStore(
            configuration: try PostgresStateConfiguration(url: "postgres://ccrelay:s3cret-pw@127.0.0.1:1/ccrelay"),
            logger: PipelineHarness.logger)
        // The store runs (its migration fails at once) without anyone waiting for it to be ready.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            let pipeline = ObservedPipeline(
                sources: [], sinks: ["splunk"], store: store, telemetry: PipelineTelemetry(), health: SinkHealth(),
                clock: ManualClock(), metrics: MetricsExporter(), throughput: ThroughputRecorder())
            let readiness = await Readiness.check(pipeline)
            #expect(!readiness.isReady)
            #expect(readiness.reasons.count == 1)
            #expect(readiness.reasons.first?.hasPrefix("state store: ") == true)
            #expect(!readiness.json.contains("s3cret-pw"))
            let snapshot = await PipelineSnapshot.take(pipeline)
            #expect(snapshot.storeError != nil)
            #expect(snapshot.sinks.first?.outboxDepth == nil)
            #expect(StatusPage.render(snapshot).contains(#"id="store-error""#))
        }
    }

    @Test("the status page shows each component's state, throughput chart, outbox depth and dead letters")
    func statusPage() async throws {
        try await ObservabilityFixture.with { fixture in
            let (status, contentType, page) = try await fixture.get("/")
            #expect(status == 200)
            #expect(contentType == "text/html; charset=utf-8")
            #expect(page.contains(#"<meta http-equiv="refresh" content="10">"#))
            // No external assets and no script: the page works offline.
            #expect(!page.contains("<script") && !page.contains("<link") && !page.contains(" src="))
            let splunk = try #require(row(of: "splunk", kind: "sink", in: page))
            #expect(splunk.contains(">ok<"))
            #expect(splunk.contains(#"data-total="\#(ObservabilityFixture.generated)""#))
            let archive = try #require(row(of: "archive", kind: "sink", in: page))
            #expect(archive.contains("halted on credential"))
            #expect(archive.contains(#"<td class="num outbox-depth">\#(ObservabilityFixture.generated)</td>"#))
            #expect(archive.contains("credential rejected"))
            let source = try #require(row(of: "genesys", kind: "source", in: page))
            #expect(source.contains(">ok<"))
            // Received counts the look-back overlap's re-reads too (dropped as duplicates).
            let received = fixture.runtime.telemetry.source("genesys").received
            #expect(received > ObservabilityFixture.generated)
            #expect(source.contains(#"data-total="\#(received)""#))
            #expect(page.contains(#"<a href="/deadletters">1 dead letter(s)</a>"#))
        }
    }

    @Test("failing acknowledgement polls show on the sink's row until a poll succeeds")
    func acknowledgementsFailing() async throws {
        try await ObservabilityFixture.with { fixture in
            let telemetry = fixture.runtime.telemetry
            for _ in 0..<3 { telemetry.recordAckPoll(sink: "splunk", failure: "ack query answered HTTP 503") }
            let failing = try #require(row(of: "splunk", kind: "sink", in: try await fixture.get("/").body))
            #expect(failing.contains("acknowledgements failing (3 polls in a row): ack query answered HTTP 503"))
            #expect(!failing.contains(">ok<"))
            telemetry.recordAckPoll(sink: "splunk", failure: nil)
            let recovered = try #require(row(of: "splunk", kind: "sink", in: try await fixture.get("/").body))
            #expect(!recovered.contains("acknowledgements failing"))
            #expect(recovered.contains(">ok<"))
        }
    }

    @Test("records a late sweep found behind the cursor show on the source's row")
    func lateRecordsOnTheSourceRow() async throws {
        try await ObservabilityFixture.with { fixture in
            let before = try #require(row(of: "genesys", kind: "source", in: try await fixture.get("/").body))
            #expect(before.contains(#"<td class="num out-of-order">0</td>"#))
            fixture.runtime.telemetry.recordOutOfOrder(source: "genesys", count: 3)
            let after = try #require(row(of: "genesys", kind: "source", in: try await fixture.get("/").body))
            #expect(after.contains(#"<td class="num out-of-order">3</td>"#))
        }
    }

    @Test("dead letter pages list them and show one raw event, escaped")
    func deadLetterPages() async throws {
        try await ObservabilityFixture.with { fixture in
            let list = try await fixture.get("/deadletters")
            #expect(list.status == 200)
            let letter = try #require(try await fixture.runtime.store.deadLetters(limit: 10).first)
            #expect(list.body.contains(#"<a href="/deadletters/\#(letter.id)">\#(letter.id)</a>"#))
            let detail = try await fixture.get("/deadletters/\(letter.id)")
            #expect(detail.status == 200)
            #expect(!detail.body.contains(ObservabilityFixture.malformedID))
            #expect(detail.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(try await fixture.get("/deadletters/999999").status == 404)
            #expect(try await fixture.get("/deadletters/nope").status == 404)
        }
    }

    /// The table row of a component on the status page.
    func row(of name: String, kind: String, in page: String) -> String? {
        guard let start = page.range(of: #"<tr data-\#(kind)="\#(name)">"#) else { return nil }
        guard let end = page[start.upperBound...].range(of: "</tr>") else { return nil }
        return String(page[start.lowerBound..<end.upperBound])
    }
}
