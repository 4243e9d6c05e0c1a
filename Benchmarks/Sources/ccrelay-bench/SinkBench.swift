import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelaySandbox

/// Each sink's throughput against its sandbox emulator: an outbox pre-filled with normalized
/// events, drained by the real sink worker (claim, encode, gzip, HTTP, acknowledgement, delete).
/// The emulator runs in the same process and shares the two cores.
enum SinkBench {
    static let events = 60_000

    static func run(logger: Logger) async throws {
        say("## Sink throughput against the sandbox emulators (outbox → destination, \(events) events)\n")
        say("| sink | events/s | MiB/s (normalized payload) |")
        say("|---|---:|---:|")
        let hec = SplunkHECEmulator(
            configuration: SplunkHECConfiguration(tokens: [
                SplunkHECConfiguration.defaultToken: [], SplunkHECConfiguration.defaultAckToken: [],
            ]))
        try await Sandbox.withRunning(hec: hec, logger: logger) { url in
            try await row("Splunk HEC (code 0)", logger: logger) {
                "splunk: {type: splunk_hec, endpoint: \"\(url)\", token: \(SplunkHECConfiguration.defaultToken), batch: {max_events: 1000}}"
            }
            hec.removeAllEvents()
            try await row("Splunk HEC (indexer acknowledgement)", logger: logger) {
                "splunk: {type: splunk_hec, endpoint: \"\(url)\", token: \(SplunkHECConfiguration.defaultAckToken), batch: {max_events: 1000}, ack_poll_interval_secs: 0.2}"
            }
        }
        try await Sandbox.withRunning(datadog: DatadogIntakeEmulator(), logger: logger) { url in
            try await row("Datadog Logs", logger: logger) {
                "datadog: {type: datadog_logs, endpoint: \"\(url)\", api_key: \(DatadogIntakeConfiguration.defaultAPIKey)}"
            }
        }
        try await Sandbox.withRunning(sumo: SumoLogicEmulator(), logger: logger) { url in
            try await row("Sumo Logic", logger: logger) { "sumo: {type: sumo_logic, url: \"\(url)\"}" }
        }
        try await Sandbox.withRunning(elasticsearch: ElasticsearchEmulator(), logger: logger) { url in
            try await row("Elasticsearch (_bulk create, data stream)", logger: logger) {
                "elastic: {type: elasticsearch, endpoint: \"\(url)\", api_key: \(ElasticsearchConfiguration.defaultAPIKey)}"
            }
        }
        let azure = SentinelEmulatorConfiguration()
        try await Sandbox.withRunning(sentinel: SentinelEmulator(configuration: azure), logger: logger) { url in
            try await row("Microsoft Sentinel (Logs Ingestion API)", logger: logger) {
                "sentinel: {type: sentinel, endpoint: \"\(url)\", authority_host: \"\(url)\", tenant_id: \(azure.tenantID), client_id: \(azure.clientID), client_secret: \(azure.clientSecrets.sorted()[0]), dcr_immutable_id: \(azure.dcrImmutableID)}"
            }
        }
        try await Sandbox.withRunning(otlp: OTLPCollectorEmulator(), logger: logger) { url in
            try await row("OTLP/HTTP logs (JSON)", logger: logger) {
                "otlp: {type: otlp, endpoint: \"\(url)\", headers: {x-honeycomb-team: \(OTLPCollectorConfiguration.defaultAPIKey)}}"
            }
        }
        say()
    }

    static func row(_ label: String, logger: Logger, sink: () -> String) async throws {
        let directory = try temporaryDirectory("sink")
        let yaml = """
            allow_inline_secrets: true
            state: {sqlite: {path: \(directory)/state.sqlite}}
            sources:
              unused: {type: genesys_audit, base_url: "http://127.0.0.1:9", client_id: x, client_secret: y}
            sinks:
              \(sink())
            """
        let configuration = try ConfigLoader().load(yaml: yaml)
        let clock = SystemClock()
        let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
        let sinkName = configuration.sinks[0].name
        var bytes = 0
        var page: [PendingRecord] = []
        for number in 0..<events {
            let event = Event(
                eventID: EventID.make(platform: .genesys, nativeID: "bench-\(number)"),
                timestamp: clock.now.timestamp, platform: .genesys, sourceKind: "audit", eventType: "QUEUE_UPDATED",
                actorID: "9a8b7c6d-0000-4000-8000-000000000002", actorName: "Ada Admin",
                targetID: "4d3c2b1a-0000-4000-8000-000000000003", targetType: "Queue",
                oldValue: #"{"name":["Billing"]}"#, newValue: #"{"name":["Billing EMEA"]}"#,
                attributes: JSONObject([
                    "serviceName": "Routing", "level": "USER", "status": "SUCCESS", "application": "directory",
                    "remoteIp": ["203.0.113.7"], "entity.name": "Billing", "client.id": "",
                    "message.message": "Queue Billing renamed to Billing EMEA by Ada Admin",
                ]))
            let payload = event.encoded()
            bytes += payload.count
            page.append(
                PendingRecord(
                    eventID: event.eventID, timestamp: event.timestamp, platform: .genesys, payload: payload,
                    sinks: [sinkName]))
            if page.count == 500 {
                _ = try await runtime.store.append(page, deadLetters: [], checkpoint: nil, now: clock.now)
                page.removeAll(keepingCapacity: true)
            }
        }
        var report: RelayRuntime.OnceReport?
        let seconds = try await measure {
            report = try await runtime.drain(deadline: clock.now.advanced(by: .seconds(600)))
        }
        precondition(report?.delivered == events && report?.remaining == 0, "\(label): \(String(describing: report))")
        say(
            "| \(label) | \(formatted(Double(events) / seconds)) | \(formatted(Double(bytes) / seconds / 1_048_576, digits: 1)) |"
        )
    }
}
