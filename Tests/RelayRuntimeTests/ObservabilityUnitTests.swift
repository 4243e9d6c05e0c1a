import Logging
import RelayCore
import RelayTesting
import Synchronization
import Testing

@testable import RelayObservability

@Suite("Observability: metrics, throughput, states, escaping, logs")
struct ObservabilityUnitTests {
    @Test("telemetry records reach the Prometheus exposition with ccrelay_ names and source/sink labels")
    func telemetryToPrometheus() {
        let exporter = MetricsExporter()
        let telemetry = PipelineTelemetry(metricsFactory: exporter.factory)
        telemetry.recordIntake(
            source: "genesys", received: 12, result: AppendResult(accepted: 9, duplicates: 2, deadLettered: 1),
            unrouted: 0)
        telemetry.recordPacing(source: "genesys", pollInterval: .seconds(120), throttled: .seconds(70))
        telemetry.recordAPICalls(source: "genesys", count: 4)
        telemetry.recordFailedAttempt(sink: "splunk", error: "HTTP 503")
        telemetry.recordDelivery(sink: "splunk", delivered: 9)
        telemetry.recordDeadLetters(sink: "splunk", count: 3, error: "HTTP 400")
        telemetry.recordResend(sink: "splunk", events: 5)
        // Two workers of one sink: the gauge is their sum, each worker's latest figure counted once.
        telemetry.recordPendingAcks(sink: "splunk", worker: 0, batches: 4)
        telemetry.recordPendingAcks(sink: "splunk", worker: 1, batches: 1)
        telemetry.recordPendingAcks(sink: "splunk", worker: 0, batches: 1)
        let text = exporter.exposition()
        for line in [
            #"ccrelay_source_records_received_total{source="genesys"} 12"#,
            #"ccrelay_source_records_accepted_total{source="genesys"} 9"#,
            #"ccrelay_source_records_duplicate_total{source="genesys"} 2"#,
            #"ccrelay_source_records_malformed_total{source="genesys"} 1"#,
            #"ccrelay_source_api_calls_total{source="genesys"} 4"#,
            #"ccrelay_source_throttled_seconds_total{source="genesys"} 70.0"#,
            #"ccrelay_source_poll_interval_seconds{source="genesys"} 120.0"#,
            #"ccrelay_sink_events_delivered_total{sink="splunk"} 9"#,
            #"ccrelay_sink_batches_total{sink="splunk"} 1"#,
            #"ccrelay_sink_failed_attempts_total{sink="splunk"} 1"#,
            #"ccrelay_sink_events_dead_lettered_total{sink="splunk"} 3"#,
            #"ccrelay_sink_events_resent_total{sink="splunk"} 5"#,
            #"ccrelay_sink_pending_acks{sink="splunk"} 2.0"#,
        ] {
            #expect(text.contains(line + "\n"), "missing \(line) in:\n\(text)")
        }
    }

    @Test("batch latency runs from the rows' claim to their acknowledgement")
    func batchLatency() {
        let exporter = MetricsExporter()
        let telemetry = PipelineTelemetry(metricsFactory: exporter.factory)
        let claimed = WallInstant(sinceEpoch: .seconds(1_700_000_000))
        // Two batches confirmed by one poll: one claimed 12 s before, one 7 s before.
        telemetry.recordDelivery(
            sink: "splunk", delivered: 6, batches: 2, claimedAt: [claimed, claimed.advanced(by: .seconds(5))],
            at: claimed.advanced(by: .seconds(12)))
        let text = exporter.exposition()
        #expect(text.contains(#"ccrelay_sink_batch_latency_seconds_bucket{sink="splunk",le="5.0"} 0"#), "\(text)")
        #expect(text.contains(#"ccrelay_sink_batch_latency_seconds_bucket{sink="splunk",le="10.0"} 1"#), "\(text)")
        #expect(text.contains(#"ccrelay_sink_batch_latency_seconds_bucket{sink="splunk",le="30.0"} 2"#), "\(text)")
        #expect(text.contains(#"ccrelay_sink_batch_latency_seconds_count{sink="splunk"} 2"#), "\(text)")
        // Deliveries without claim instants (counts only) add no observation.
        telemetry.recordDelivery(sink: "splunk", delivered: 3, at: claimed.advanced(by: .seconds(20)))
        #expect(exporter.exposition().contains(#"ccrelay_sink_batch_latency_seconds_count{sink="splunk"} 2"#))
    }

    @Test("checkpoint lag follows the oldest partition watermark; non-timestamp checkpoints are ignored")
    func watermarks() {
        let telemetry = PipelineTelemetry()
        telemetry.recordCheckpoint(source: "genesys", partition: "Routing", value: "2024-05-01T10:00:00.000Z")
        telemetry.recordCheckpoint(source: "genesys", partition: "Directory", value: "2024-05-01T09:00:00.000Z")
        telemetry.recordCheckpoint(source: "genesys", partition: "cursor", value: "opaque-cursor-7")
        #expect(telemetry.source("genesys").watermark == (try? Timestamp.parseISO8601("2024-05-01T09:00:00.000Z")))
        telemetry.recordCheckpoint(source: "genesys", partition: "Directory", value: "2024-05-01T11:00:00.000Z")
        #expect(telemetry.source("genesys").watermark == (try? Timestamp.parseISO8601("2024-05-01T10:00:00.000Z")))
        #expect(telemetry.source("cxone").watermark == nil)
    }

    @Test("throughput per minute: differences between minute samples, the current minute live")
    func throughputPerMinute() {
        let recorder = ThroughputRecorder()
        let start = WallInstant(sinceEpoch: .seconds(1_700_000_040))  // a minute boundary
        recorder.sample(totals: ["sink/splunk": 100], at: start)
        recorder.sample(totals: ["sink/splunk": 130], at: WallInstant(sinceEpoch: .seconds(1_700_000_040 + 20)))
        recorder.sample(totals: ["sink/splunk": 180], at: WallInstant(sinceEpoch: .seconds(1_700_000_040 + 80)))
        let now = WallInstant(sinceEpoch: .seconds(1_700_000_040 + 150))
        let counts = recorder.perMinute("sink/splunk", liveTotal: 200, now: now)
        #expect(counts.count == 60)
        #expect(Array(counts.suffix(4)) == [0, 30, 50, 20])
        #expect(counts.dropLast(3).allSatisfy { $0 == 0 })
        // Samples older than the hour are dropped, the hour's sum stays right.
        for minute in 0..<120 {
            recorder.sample(totals: ["sink/splunk": 200 + minute], at: now.advanced(by: .seconds(60 * (minute + 1))))
        }
        let later = recorder.perMinute("sink/splunk", liveTotal: 319, now: now.advanced(by: .seconds(60 * 120 + 5)))
        #expect(later.reduce(0, +) == 60)
    }

    @Test("component states: halted beats retrying beats idle")
    func states() {
        var source = SourceCounters()
        #expect(ComponentState.of(source: source, halted: false, lastHour: 0) == .idle)
        #expect(ComponentState.of(source: source, halted: false, lastHour: 5) == .ok)
        source.consecutiveFailures = 2
        #expect(ComponentState.of(source: source, halted: false, lastHour: 5) == .retrying)
        #expect(ComponentState.of(source: source, halted: true, lastHour: 5) == .halted)
        var sink = SinkCounters()
        #expect(ComponentState.of(sink: sink, rejected: false, outboxDepth: 0, lastHour: 0) == .idle)
        #expect(ComponentState.of(sink: sink, rejected: false, outboxDepth: 4, lastHour: 0) == .ok)
        sink.consecutiveFailures = 1
        #expect(ComponentState.of(sink: sink, rejected: false, outboxDepth: 4, lastHour: 0) == .retrying)
        #expect(ComponentState.of(sink: sink, rejected: true, outboxDepth: 4, lastHour: 0) == .halted)
    }

    @Test("HTML escaping covers element text and attributes")
    func escaping() {
        #expect(HTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        let letter = DeadLetter(
            id: 7, origin: "gen<esys", sink: "s\"plunk", eventID: "e'1",
            payload: Array(#"{"x":"</pre><script>alert(1)</script>"}"#.utf8),
            reason: "<b>bad</b> & worse", attempts: 3, createdAt: Timestamp(millisecondsSinceEpoch: 0))
        for page in [DeadLetterPages.detail(letter), DeadLetterPages.list([letter])] {
            #expect(!page.contains("<script>"))
            #expect(!page.contains("<b>bad"))
            #expect(!page.contains("gen<esys"))
            #expect(page.contains("&lt;b&gt;bad&lt;/b&gt; &amp; worse"))
        }
        #expect(DeadLetterPages.detail(letter).contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("the chart is an SVG whose bars follow the counts")
    func chart() {
        let svg = ThroughputChart.svg([0, 5, 10, 0], label: "x<y")
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains(#"data-total="15""#))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 3)  // background + two bars
        #expect(svg.contains("x&lt;y"))
    }

    @Test("JSON log lines carry timestamp, level, label, message and metadata, with secrets redacted")
    func jsonLogLines() throws {
        let lines = Mutex<[String]>([])
        let clock = ManualClock(start: WallInstant(sinceEpoch: .seconds(1_700_000_000)))
        var logger = Logger(label: "ccrelay") { label in
            RelayLogHandler(label: label, format: .json, level: .info, clock: clock) { line in
                lines.withLock { $0.append(line) }
            }
        }
        logger[metadataKey: "ccrelay.sink"] = "splunk"
        logger.info(
            "Batch delivered",
            metadata: ["ccrelay.events": "3", "ccrelay.client_secret": "hunter2", "hec_token": "abc"])
        logger.debug("not shown")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        let object = try JSONParser.parse(String(line.dropLast()))
        #expect(object["timestamp"]?.stringValue == "2023-11-14T22:13:20.000Z")
        #expect(object["level"]?.stringValue == "info")
        #expect(object["label"]?.stringValue == "ccrelay")
        #expect(object["message"]?.stringValue == "Batch delivered")
        #expect(object["metadata"]?["ccrelay.sink"]?.stringValue == "splunk")
        #expect(object["metadata"]?["ccrelay.events"]?.stringValue == "3")
        #expect(object["metadata"]?["ccrelay.client_secret"]?.stringValue == "[redacted]")
        #expect(!line.contains("hunter2") && !line.contains("abc\""))
    }

    @Test("human log lines are one readable line with sorted metadata, secrets redacted")
    func humanLogLines() {
        let line = RelayLogHandler.humanLine(
            timestamp: "2024-01-01T00:00:00.000Z", level: .warning, label: "ccrelay", message: "Retrying",
            metadata: ["ccrelay.sink": "splunk", "ccrelay.attempt": "2", "password": "pw"])
        #expect(
            line
                == "2024-01-01T00:00:00.000Z WARNING ccrelay: Retrying ccrelay.attempt=2 ccrelay.sink=splunk password=[redacted]\n"
        )
    }

    @Test("process figures come from /proc")
    func processFigures() {
        #expect(
            ProcessFigures.parseStartTicks(
                "1234 (my (odd) name) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 98765 20") == 98765)
        #if os(Linux)
        let figures = ProcessFigures.current()
        #expect((figures.residentMemoryBytes ?? 0) > 1 << 20)
        #expect((figures.openFileDescriptors ?? 0) >= 3)
        let now = SystemClock().now.sinceEpoch.seconds
        #expect(
            (figures.startTimeSeconds ?? 0) > now - 86_400 * 365 && (figures.startTimeSeconds ?? .infinity) <= now + 1)
        #endif
    }
}
