import Foundation
import RelayCore
import RelayGenesys
import RelayHTTP
import RelaySandbox
import RelaySinks

/// Bytes sent to the SIEM per event: ccrelay's normalized event in a HEC envelope, in the compact
/// (default) and the full encoding, against the raw EventBridge JSON in a HEC envelope (what a
/// Firehose → Splunk destination without a transformation forwards), per topic family, uncompressed
/// and gzip-compressed in requests of 500 events; and the CPU time the HEC encoder spends per event
/// in each encoding (the compact one parses and rewrites the stored payload).
enum BytesBench {
    static let perRequest = 500

    /// Byte totals of one family.
    struct Totals {
        var raw = 0, full = 0, compact = 0, rawGzip = 0, fullGzip = 0, compactGzip = 0
        var fullSeconds = 0.0, compactSeconds = 0.0
    }

    static func run() throws {
        say("## SIEM bytes per event: compact and full encodings vs raw EventBridge JSON (HEC envelopes)\n")
        var generator = GenesysEventBridgeGenerator(seed: 23)
        let load = generator.generate(count: 40_000, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        func encoder(_ encoding: EventEncoding) -> SplunkHECEncoder {
            SplunkHECEncoder(
                configuration: SplunkHECSinkConfiguration(
                    name: "splunk", endpoints: ["http://127.0.0.1"], token: "unused", index: "ccas", encoding: encoding)
            )
        }
        let (full, compact) = (encoder(.full), encoder(.compact))
        let normalizer = GenesysEventBridgeNormalizer()
        say(
            "| events | count | raw bytes/event | full bytes/event | full/raw | compact bytes/event | compact/raw | "
                + "gzip raw | gzip full | gzip compact | gzip compact/raw | full µs/event | compact µs/event |"
        )
        say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        let families: [(String, [GeneratedPushEvent])] =
            GeneratedPushEvent.Kind.allCases.map { kind in (kind.rawValue, load.filter { $0.kind == kind }) } + [
                ("all", load)
            ]
        for (family, events) in families where !events.isEmpty {
            var totals = Totals()
            for start in stride(from: 0, to: events.count, by: perRequest) {
                let batch = events[start..<min(start + perRequest, events.count)]
                var entries: [OutboxEntry] = []
                var raw: [UInt8] = []
                for generated in batch {
                    let event = try normalizer.normalize(generated.event)
                    entries.append(
                        OutboxEntry(
                            id: 0, eventID: event.eventID, timestamp: event.timestamp, platform: event.platform,
                            payload: event.encoded(), enqueuedAt: event.timestamp))
                    appendRawEnvelope(generated, time: event.timestamp, to: &raw)
                }
                let clock = ContinuousClock()
                var fullBody: [UInt8] = []
                var compactBody: [UInt8] = []
                totals.fullSeconds += clock.measure { fullBody = full.encode(entries) }.seconds
                totals.compactSeconds += clock.measure { compactBody = compact.encode(entries) }.seconds
                totals.raw += raw.count
                totals.full += fullBody.count
                totals.compact += compactBody.count
                totals.rawGzip += Gzip.compress(raw, level: .fastest).count
                totals.fullGzip += Gzip.compress(fullBody, level: .fastest).count
                totals.compactGzip += Gzip.compress(compactBody, level: .fastest).count
                if start == 0, ProcessInfo.processInfo.environment["BENCH_BYTES_SAMPLE"] != nil {
                    say(
                        "sample \(family): " + String(decoding: compact.encode(Array(entries.prefix(1))), as: UTF8.self)
                    )
                }
            }
            say(row(family, count: events.count, totals))
        }
        say()
    }

    static func row(_ family: String, count: Int, _ totals: Totals) -> String {
        let count = Double(count)
        func perEvent(_ total: Int) -> String { formatted(Double(total) / count) }
        func ratio(_ a: Int, _ b: Int) -> String { formatted(Double(a) / Double(b), digits: 2) }
        func micros(_ seconds: Double) -> String { formatted(seconds * 1_000_000 / count, digits: 2) }
        let cells = [
            family.replacingOccurrences(of: "_", with: " "), formatted(count), perEvent(totals.raw),
            perEvent(totals.full), ratio(totals.full, totals.raw), perEvent(totals.compact),
            ratio(totals.compact, totals.raw), perEvent(totals.rawGzip), perEvent(totals.fullGzip),
            perEvent(totals.compactGzip), ratio(totals.compactGzip, totals.rawGzip), micros(totals.fullSeconds),
            micros(totals.compactSeconds),
        ]
        return "| " + cells.joined(separator: " | ") + " |"
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
