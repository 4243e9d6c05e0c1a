import Foundation
import RelayCore
import RelayGenerate
import RelaySinks
import Testing

@Suite("Generated content: determinism and schema fields")
struct GenerateContentTests {
    typealias Support = GenerateTestSupport

    @Test("generating twice gives byte-identical output for every target", arguments: GenerateTarget.allCases)
    func deterministic(target: GenerateTarget) {
        let first = target.files(for: Support.input)
        let second = target.files(for: Support.input)
        #expect(!first.isEmpty)
        #expect(first == second)
        #expect(first.map(\.path) == first.map(\.path).sorted())
    }

    @Test("the schema list starts with the event's common fields")
    func schemaFromCode() {
        #expect(NormalizedSchema.commonFields == Event.commonFieldNames)
        #expect(NormalizedSchema.queryableFieldNames.contains("attributes.disconnect_type"))
        #expect(Set(NormalizedSchema.attributeFields).count == NormalizedSchema.attributeFields.count)
    }

    @Test("every field a Splunk search uses is in the schema, a Splunk built-in or a configured backend name")
    func splunkFields() throws {
        let files = Support.files(.splunk)
        let app = "splunk/ccrelay_content/default/"
        var searches = Support.confValues(try #require(files[app + "savedsearches.conf"]), key: "search")
        searches += Support.confValues(try #require(files[app + "macros.conf"]), key: "definition")
        let dashboard = try #require(files["splunk/ccrelay_overview.dashboard.json"])
        let sources = try #require(try JSONParser.parse(Array(dashboard.utf8))["dataSources"]?.objectValue)
        searches += sources.compactMap { $0.value["options"]?["query"]?.stringValue }
        #expect(
            searches.count
                == AlertCatalog.Alert.allCases.count + AlertCatalog.EdgeAlert.allCases.count + 2 + sources.count)

        let allowed = Set(NormalizedSchema.queryableFieldNames)
            .union(["index", "sourcetype", "_time", "_indextime", "_index_earliest"])
            .union([Support.input.backend.splunkStatusField])
        var seen: Set<String> = []
        for search in searches {
            let fields = SPLFields(search)
            let unknown = fields.external.subtracting(allowed)
            #expect(unknown.isEmpty, "\(unknown.sorted()) in: \(search)")
            seen.formUnion(fields.external)
        }
        // The reader really reads: the searches use schema fields of both kinds.
        #expect(
            seen.isSuperset(of: [
                "event_id", "event_type", "actor_id", "target_type", "attributes.disconnect_type", "http_status",
            ]))
    }

    @Test("the field check fails on a field outside the schema")
    func splunkFieldCheckCanFail() {
        let fields = SPLFields("`ccrelay_events` disconnect_type=\"PEER\" | stats count BY actorId | eval x=y")
        let unknown = fields.external.subtracting(NormalizedSchema.queryableFieldNames)
        #expect(unknown == ["disconnect_type", "actorId", "y"])
    }

    @Test("every attribute a Datadog query or the pipeline uses is in the schema")
    func datadogFields() throws {
        let files = Support.files(.datadog)
        // `event_time`: the sink's name for the event's time (Datadog dates logs at intake).
        let allowed = Set(NormalizedSchema.queryableFieldNames).union([DatadogLogsEncoder.eventTimeKey])
        let backend = String(Support.input.backend.datadogStatusAttribute.dropFirst())
        var seen: Set<String> = []
        for (path, text) in files where !path.contains("downtime") {
            // Mentions (`@webhook-NAME`) are notification channels, not attributes.
            for match in Support.matches(#"@([A-Za-z_][A-Za-z0-9_.]*)(?![-A-Za-z0-9_.])"#, in: text)
            where match[1] != backend {
                #expect(allowed.contains(match[1]), "\(match[1]) in \(path)")
                seen.insert(match[1])
            }
        }
        let pipeline = try JSONParser.parse(Array(try #require(files["datadog/logs-pipeline.json"]).utf8))
        for processor in pipeline["processors"]?.arrayValue ?? [] {
            for source in processor["sources"]?.arrayValue ?? [] {
                #expect(allowed.contains(source.stringValue ?? ""), "pipeline source \(source)")
                seen.insert(source.stringValue ?? "")
            }
        }
        #expect(
            seen.isSuperset(of: ["event_time", "actor_id", "actor_name", "event_type", "attributes.disconnect_type"]))
    }

    @Test("every JSON path a Sumo Logic search or the extraction rule reads is in the schema")
    func sumoFields() throws {
        let files = Support.files(.sumo)
        let allowed = Set(NormalizedSchema.queryableFieldNames)
        var paths: [String] = []
        for text in files.values {
            for match in Support.matches(#"json field=_raw (.*?) as "#, in: text) {
                for quoted in Support.matches(#"\\"([^"\\]+)\\""#, in: match[1]) {
                    paths.append(
                        quoted[1].replacingOccurrences(of: "['", with: ".").replacingOccurrences(of: "']", with: ""))
                }
            }
        }
        #expect(paths.count > 20)
        for path in paths { #expect(allowed.contains(path), "\(path)") }
        #expect(paths.contains("attributes.entity.name"))
    }
}
