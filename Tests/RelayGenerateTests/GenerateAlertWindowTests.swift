import Foundation
import RelayCore
import RelayGenerate
import RelaySinks
import Testing

@Suite("Generated alerts select security events by arrival, not by event time")
struct GenerateAlertWindowTests {
    typealias Support = GenerateTestSupport

    /// Every saved search's settings, read by Splunk's own conf parser.
    private func savedSearches() async throws -> [String: [String: String]] {
        try await Support.confStanzas("splunk/ccrelay_content/default/savedsearches.conf", of: Support.files(.splunk))
    }

    @Test("an event 3 hours old that was just indexed falls inside the security alerts' windows")
    func lateEventAlerts() async throws {
        let stanzas = try await savedSearches()
        let run = 1_767_225_900.0  // 2026-01-01T00:05:00Z, a scheduled run (cron */5).
        // Indexed 7 minutes before the run (the run's own "now" for it), happened 3 hours before that.
        let indexTime = run - 7 * 60
        let eventTime = indexTime - 3 * 3600
        let arrivalAlerts = AlertCatalog.Alert.allCases.filter(\.selectsByArrival)
        #expect(arrivalAlerts == [.oauthClientViewed, .privilegeChangeOffHours])
        for alert in arrivalAlerts {
            let stanza = try #require(stanzas[alert.title])
            func at(_ key: String) throws -> Double {
                try SplunkRelativeTime.resolve(try #require(stanza[key], "\(key) in \(alert.title)"), now: run)
            }
            let indexEarliest = try at("dispatch.index_earliest")
            let indexLatest = try at("dispatch.index_latest")
            #expect(indexEarliest <= indexTime && indexTime < indexLatest, "\(alert.title)")
            #expect(try at("dispatch.earliest_time") <= eventTime, "\(alert.title)")
            #expect(eventTime <= (try at("dispatch.latest_time")), "\(alert.title)")
            // Runs every 5 minutes and windows 5 minutes long: each event is alerted on exactly once.
            #expect(stanza["cron_schedule"] == "*/5 * * * *")
            #expect(indexLatest - indexEarliest == 300)
            // The results show when the event happened and when it arrived.
            let search = try #require(stanza["search"])
            #expect(search.contains("| table _time indexed_at "), "\(search)")
        }
        for alert in AlertCatalog.Alert.allCases where !alert.selectsByArrival {
            #expect(stanzas[alert.title]?["dispatch.index_earliest"] == nil)
        }
    }

    @Test("an event 3 hours old that Datadog just received is inside the security monitors' last 5 minutes")
    func datadogLateEventAlerts() throws {
        // The sink's entry for the event: no date attribute Datadog or the generated pipeline would
        // take as the log's date, so Datadog dates it at intake (now), inside `last("5m")`.
        var event = Event(
            eventID: "e1", timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_900_000 - 3 * 3_600_000),
            platform: .genesys, sourceKind: AlertCatalog.auditSourceKind, eventType: "OAUTHCLIENT_VIEWED",
            targetType: "OAuthClient")
        event.actorID = "u1"
        let entry = OutboxEntry(
            id: 1, eventID: event.eventID, timestamp: event.timestamp, platform: .genesys, payload: event.encoded(),
            enqueuedAt: event.timestamp)
        let encoder = DatadogLogsEncoder(configuration: DatadogLogsSinkConfiguration(name: "datadog", apiKey: "k"))
        let log = try #require(try JSONParser.parse(encoder.encode(entry)).objectValue)
        let files = Support.files(.datadog)
        let pipeline = try JSONParser.parse(Array(try #require(files["datadog/logs-pipeline.json"]).utf8))
        let remapped = (pipeline["processors"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "date-remapper" }
            .flatMap { $0["sources"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        // Datadog's default date attributes (log date remapper documentation) and the pipeline's.
        let dateAttributes = ["timestamp", "date", "_timestamp", "Timestamp", "eventTime", "published_date"] + remapped
        for key in dateAttributes { #expect(log[key] == nil, "\(key)") }
        #expect(log[DatadogLogsEncoder.eventTimeKey] == .string(event.timestamp.iso8601))
        for alert in AlertCatalog.Alert.allCases where alert.selectsByArrival {
            let monitor = try JSONParser.parse(
                Array(try #require(files["datadog/monitors/\(alert.rawValue).json"]).utf8))
            #expect(monitor["query"]?.stringValue?.hasSuffix(#".last("5m") > 0"#) == true, "\(alert.title)")
        }
    }

    @Test("the relative-time reader resolves what the checks above rely on")
    func relativeTimes() throws {
        let now = 1_767_225_930.0  // 00:05:30
        #expect(try SplunkRelativeTime.resolve("now", now: now) == now)
        #expect(try SplunkRelativeTime.resolve("-10m@m", now: now) == 1_767_225_300)  // 23:55:00
        #expect(try SplunkRelativeTime.resolve("-7d", now: now) == now - 7 * 86400)
        #expect(throws: (any Error).self) { try SplunkRelativeTime.resolve("yesterday", now: now) }
    }

    @Test("Sumo's security searches use receipt time and show the message time")
    func sumoReceiptTime() throws {
        let json = try JSONParser.parse(Array(try #require(Support.files(.sumo)["sumo/saved-searches.json"]).utf8))
        let children = try #require(json["children"]?.arrayValue)
        for alert in AlertCatalog.Alert.allCases {
            let search = try #require(children.first { $0["name"]?.stringValue == alert.title }?["search"])
            #expect(search["byReceiptTime"] == .bool(alert.selectsByArrival), "\(alert.title)")
            if alert.selectsByArrival {
                let query = try #require(search["queryText"]?.stringValue)
                #expect(query.contains("formatDate(_messagetime, ") && query.contains(" as event_time"))
                #expect(query.contains(" as received_time"))
            }
        }
    }

    @Test("each SIEM's README explains its arrival-time mechanism and the abandonment definition")
    func readmes() throws {
        let expectations: [(GenerateTarget, String, String)] = [
            (.splunk, "splunk/README.md", "dispatch.index_earliest = -10m@m"),
            (.sumo, "sumo/README.md", "byReceiptTime: true"),
            (.datadog, "datadog/README.md", "Datadog dates each log when it receives it"),
        ]
        for (target, path, mechanism) in expectations {
            let readme = try #require(Support.files(target)[path], "\(path)")
            #expect(readme.contains(mechanism), "\(path)")
            #expect(readme.contains("https://help.mypurecloud.com/faqs/what-do-abandons-include-in-genesys-cloud/"))
            #expect(readme.contains("`ENDPOINT`") && readme.contains("`tAbandon`"))
        }
    }
}

/// Splunk relative time modifiers as the generated searches use them: `now`, `-7d`, `-10m@m`.
enum SplunkRelativeTime {
    struct Unreadable: Error { let text: String }

    static func resolve(_ text: String, now: Double) throws -> Double {
        if text == "now" { return now }
        let parts = Support.matches(#"^-(\d+)([smhd])(?:@([smhd]))?$"#, in: text)
        guard let match = parts.first, let amount = Double(match[1]), let unit = seconds(match[2]) else {
            throw Unreadable(text: text)
        }
        let value = now - amount * unit
        guard !match[3].isEmpty, let snap = seconds(match[3]) else { return value }
        return (value / snap).rounded(.down) * snap
    }

    private typealias Support = GenerateTestSupport

    private static func seconds(_ unit: String) -> Double? {
        ["s": 1, "m": 60, "h": 3600, "d": 86400][unit]
    }
}
