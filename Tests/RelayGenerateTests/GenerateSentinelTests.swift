import Foundation
import RelayCore
import RelayGenerate
import RelaySinks
import Testing

@Suite("ccrelay generate sentinel")
struct GenerateSentinelTests {
    typealias Support = GenerateTestSupport

    private func template(_ name: String) throws -> JSONValue {
        let text = try #require(Support.files(.sentinel)["sentinel/\(name)"], "sentinel/\(name)")
        return try JSONParser.parse(Array(text.utf8))
    }

    private func rules() throws -> [JSONValue] {
        try #require(try template("analytics-rules.json")["resources"]?.arrayValue)
    }

    @Test("every generated JSON file parses as an ARM deployment template")
    func templatesParse() throws {
        let files = Support.files(.sentinel)
        #expect(files["sentinel/README.md"]?.contains("Monitoring Metrics Publisher") == true)
        let json = files.keys.filter { $0.hasSuffix(".json") }.sorted()
        #expect(json == ["sentinel/analytics-rules.json", "sentinel/dcr.json", "sentinel/table.json"])
        for path in json {
            let template = try JSONParser.parse(Array(try #require(files[path]).utf8))
            #expect(template["$schema"]?.stringValue?.hasSuffix("deploymentTemplate.json#") == true, "\(path)")
            #expect(template["resources"]?.arrayValue?.isEmpty == false, "\(path)")
        }
    }

    @Test("the DCR declares exactly the columns of a row the sink's encoder writes")
    func dcrMatchesEncoder() throws {
        let event = Event(
            eventID: EventID.make(platform: .genesys, nativeID: "every-field"),
            timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000), platform: .genesys, sourceKind: "audit",
            eventType: "ROLE_UPDATED", actorID: "u-1", actorName: "Ann", targetID: "r-1", targetType: "Role",
            oldValue: "{}", newValue: #"{"name":"admin"}"#, attributes: JSONObject(["entity.name": "admin"]))
        let entry = OutboxEntry(
            id: 1, eventID: event.eventID, timestamp: event.timestamp, platform: .genesys, payload: event.encoded(),
            enqueuedAt: event.timestamp)
        let row = try #require(try JSONParser.parse(SentinelRowEncoder.encode(entry)).objectValue)

        let dcr = try #require(try template("dcr.json")["resources"]?.arrayValue?.first)
        #expect(dcr["type"] == "Microsoft.Insights/dataCollectionRules")
        #expect(dcr["kind"] == "Direct")
        let properties = try #require(dcr["properties"])
        let declared = try #require(properties["streamDeclarations"]?["Custom-CCRelay"]?["columns"]?.arrayValue)
        #expect(declared.compactMap { $0["name"]?.stringValue } == row.map(\.key))
        #expect(declared.first == ["name": "TimeGenerated", "type": "datetime"])

        let flow = try #require(properties["dataFlows"]?.arrayValue?.first)
        #expect(flow["streams"] == [.string(SentinelSinkConfiguration.defaultStream)])
        #expect(flow["transformKql"] == "source")
        #expect(flow["outputStream"] == "Custom-CCRelay_CL")
        let destination = try #require(properties["destinations"]?["logAnalytics"]?.arrayValue?.first?["name"])
        #expect(flow["destinations"] == [destination])

        // The table has the same columns, TimeGenerated among them (required of a custom table).
        let table = try #require(try template("table.json")["resources"]?.arrayValue?.first)
        #expect(table["type"] == "Microsoft.OperationalInsights/workspaces/tables")
        #expect(table["properties"]?["schema"]?["name"] == "CCRelay_CL")
        #expect(table["properties"]?["schema"]?["columns"]?.arrayValue == declared)
    }

    @Test("every catalog alert has one scheduled analytics rule")
    func everyAlertHasARule() throws {
        let rules = try rules()
        let titles = rules.compactMap { $0["properties"]?["displayName"]?.stringValue }
        #expect(titles == AlertCatalog.Alert.allCases.map(\.title))
        #expect(Set(rules.compactMap { $0["name"]?.stringValue }).count == rules.count)
        for rule in rules {
            #expect(rule["type"] == "Microsoft.SecurityInsights/alertRules")
            #expect(rule["kind"] == "Scheduled")
            #expect(rule["properties"]?["triggerOperator"] == "GreaterThan")
        }
    }

    @Test("each KQL query names only columns of CCRelay_CL and attributes of the schema")
    func queriesNameExistingColumns() throws {
        let columns = Set(SentinelRowEncoder.columns.map(\.name))
        for rule in try rules() {
            let properties = try #require(rule["properties"])
            let title = properties["displayName"]?.stringValue ?? ""
            let query = try #require(properties["query"]?.stringValue)
            #expect(query.hasPrefix("CCRelay_CL\n") || query.contains("\nCCRelay_CL\n"), "\(title)")
            for key in Support.matches(#"Attributes\["([^"]+)"\]"#, in: query).map({ $0[1] }) {
                #expect(NormalizedSchema.attributeFields.contains(key), "\(title): Attributes[\"\(key)\"]")
            }
            // Outside string literals, PascalCase names are columns (computed ones are snake_case).
            let code = query.replacingOccurrences(of: #""(\\.|[^"\\])*""#, with: "\"\"", options: .regularExpression)
            for name in Support.matches(#"\b[A-Z][A-Za-z0-9_]*\b"#, in: code).map({ $0[0] }) where name != "CCRelay_CL"
            {
                #expect(columns.contains(name), "\(title): \(name) is not a column")
            }
            for mapping in properties["entityMappings"]?.arrayValue ?? [] {
                for field in mapping["fieldMappings"]?.arrayValue ?? [] {
                    let column = try #require(field["columnName"]?.stringValue)
                    #expect(query.contains("| project ") && query.contains(column), "\(title): \(column)")
                }
            }
        }
    }

    @Test("a record 3 hours old that was just ingested falls in exactly one run of each security rule")
    func lateArrivalAlerts() throws {
        let rules = try rules()
        let arrivalAlerts = AlertCatalog.Alert.allCases.filter(\.selectsByArrival)
        #expect(!arrivalAlerts.isEmpty)
        for alert in arrivalAlerts {
            let properties = try #require(
                rules.first { $0["properties"]?["displayName"]?.stringValue == alert.title }?["properties"])
            let query = try #require(properties["query"]?.stringValue)
            let window = try ArrivalWindow(query: query)
            let frequency = try duration(try #require(properties["queryFrequency"]?.stringValue))
            let period = try duration(try #require(properties["queryPeriod"]?.stringValue))
            #expect(window.length == frequency, "\(alert.title): windows tile the runs")
            // Runs start a few seconds after each 5-minute mark.
            let runs = (0..<12).map { 1_767_225_600.0 + Double($0) * frequency + 17 }
            let ingested = runs[6] - 7 * 60 + 3  // ingested 7 minutes before a run...
            let happened = ingested - 3 * 3600  // ...3 hours after it happened.
            let alerting = runs.filter { window.contains(ingested, runAt: $0) }
            #expect(alerting.count == 1, "\(alert.title)")
            for run in alerting {
                #expect(run - period <= happened, "\(alert.title): queryPeriod must reach back to the event time")
            }
            #expect(query.contains("| project TimeGenerated, ingested_at"), "shows event time beside arrival")
        }
        for alert in AlertCatalog.Alert.allCases where !alert.selectsByArrival {
            let rule = rules.first { $0["properties"]?["displayName"]?.stringValue == alert.title }
            #expect(rule?["properties"]?["query"]?.stringValue?.contains("arrival_start") == false)
        }
    }

    /// `PT5M`, `PT1H`, `P7D` in seconds.
    private func duration(_ text: String) throws -> Double {
        let parts = try #require(
            Support.matches(#"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"#, in: text).first)
        let factors = [86400.0, 3600, 60, 1]
        return zip(parts.dropFirst(), factors).reduce(0) { $0 + (Double($1.0) ?? 0) * $1.1 }
    }
}

/// The arrival window a security rule's KQL computes from `now()`, as the generator writes it:
/// `let arrival_end = bin(now(), 1m) - Nm; let arrival_start = arrival_end - Mm;` and
/// `where ingested_at >= arrival_start and ingested_at < arrival_end`.
private struct ArrivalWindow {
    let endOffset: Double
    let length: Double

    struct Unrecognized: Error { let query: String }

    init(query: String) throws {
        let end = GenerateTestSupport.matches(#"let arrival_end = bin\(now\(\), 1m\) - (\d+)m;"#, in: query)
        let start = GenerateTestSupport.matches(#"let arrival_start = arrival_end - (\d+)m;"#, in: query)
        guard let endMinutes = end.first.flatMap({ Double($0[1]) }),
            let lengthMinutes = start.first.flatMap({ Double($0[1]) }),
            query.contains("| extend ingested_at = ingestion_time()"),
            query.contains("| where ingested_at >= arrival_start and ingested_at < arrival_end")
        else { throw Unrecognized(query: query) }
        endOffset = endMinutes * 60
        length = lengthMinutes * 60
    }

    /// Whether a run at `run` (epoch seconds) selects a record ingested at `ingested`.
    func contains(_ ingested: Double, runAt run: Double) -> Bool {
        let end = (run / 60).rounded(.down) * 60 - endOffset
        return end - length <= ingested && ingested < end
    }
}
