import RelayCore
import RelayGenesys
import RelayHTTP
import RelaySandbox
import RelaySinks

/// Bytes sent to the SIEM per event: ccrelay's normalized event in a HEC envelope against the raw
/// EventBridge JSON in a HEC envelope (what a Firehose → Splunk destination without a transformation
/// forwards), per topic family, uncompressed and gzip-compressed in requests of 500 events.
enum BytesBench {
    static let perRequest = 500

    static func run() throws {
        say("## SIEM bytes per event: normalized vs raw EventBridge JSON (HEC envelopes)\n")
        var generator = GenesysEventBridgeGenerator(seed: 23)
        let load = generator.generate(count: 40_000, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        let configuration = SplunkHECSinkConfiguration(
            name: "splunk", endpoints: ["http://127.0.0.1"], token: "unused", index: "ccas")
        let encoder = SplunkHECEncoder(configuration: configuration)
        let normalizer = GenesysEventBridgeNormalizer()
        say(
            "| events | count | normalized bytes/event | raw bytes/event | normalized/raw | normalized gzip bytes/event | raw gzip bytes/event | gzip normalized/raw |"
        )
        say("|---|---:|---:|---:|---:|---:|---:|---:|")
        let families: [(String, [GeneratedPushEvent])] =
            GeneratedPushEvent.Kind.allCases.map { kind in (kind.rawValue, load.filter { $0.kind == kind }) } + [
                ("all", load)
            ]
        for (family, events) in families where !events.isEmpty {
            var totals = (normalized: 0, raw: 0, normalizedGzip: 0, rawGzip: 0)
            for start in stride(from: 0, to: events.count, by: perRequest) {
                var normalized: [UInt8] = []
                var raw: [UInt8] = []
                for generated in events[start..<min(start + perRequest, events.count)] {
                    let event = try normalizer.normalize(generated.event)
                    let entry = OutboxEntry(
                        id: 0, eventID: event.eventID, timestamp: event.timestamp, platform: event.platform,
                        payload: event.encoded(), enqueuedAt: event.timestamp)
                    encoder.append(entry, to: &normalized)
                    appendRawEnvelope(generated, time: event.timestamp, to: &raw)
                }
                totals.normalized += normalized.count
                totals.raw += raw.count
                totals.normalizedGzip += Gzip.compress(normalized, level: .fastest).count
                totals.rawGzip += Gzip.compress(raw, level: .fastest).count
            }
            let count = Double(events.count)
            func ratio(_ a: Int, _ b: Int) -> String { formatted(Double(a) / Double(b), digits: 2) }
            say(
                "| \(family) | \(events.count) | \(formatted(Double(totals.normalized) / count)) | \(formatted(Double(totals.raw) / count)) | "
                    + "\(ratio(totals.normalized, totals.raw)) | \(formatted(Double(totals.normalizedGzip) / count)) | "
                    + "\(formatted(Double(totals.rawGzip) / count)) | \(ratio(totals.normalizedGzip, totals.rawGzip)) |"
            )
        }
        say()
    }

    /// `{"time":…,"sourcetype":"genesys:eventbridge","index":"ccas","event":<the EventBridge event as received>}`.
    static func appendRawEnvelope(_ generated: GeneratedPushEvent, time: Timestamp, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"time":"#.utf8)
        out.append(contentsOf: time.epochSecondsLiteral.utf8)
        out.append(contentsOf: #","sourcetype":"genesys:eventbridge","index":"ccas","event":"#.utf8)
        out.append(contentsOf: generated.text)
        out.append(UInt8(ascii: "}"))
    }
}
