import RelayCore
import RelayGenerate
import Testing

@Suite("ccrelay generate elastic")
struct GenerateElasticTests {
    private func template() throws -> JSONValue {
        let files = GenerateTestSupport.files(.elastic)
        #expect(files["elastic/README.md"]?.contains("_index_template/ccrelay") == true)
        return try JSONParser.parse(try #require(files["elastic/index-template.json"]))
    }

    @Test("the index template is valid JSON for the sink's data streams")
    func dataStreamTemplate() throws {
        let template = try template()
        #expect(template["index_patterns"] == ["logs-ccrelay-*"])
        #expect(template["data_stream"]?.objectValue != nil)
        #expect((template["priority"]?.int64Value ?? 0) > 100)
        let properties = try #require(template["template"]?["mappings"]?["properties"])
        #expect(properties["@timestamp"]?["type"] == "date")
        #expect(properties["timestamp"]?["type"] == "date")
    }

    @Test("every field of the normalized schema is mapped")
    func mapsEverySchemaField() throws {
        let properties = try #require(try template()["template"]?["mappings"]?["properties"])
        for name in NormalizedSchema.queryableFieldNames {
            var node: JSONValue? = properties
            for (position, part) in name.split(separator: ".").enumerated() {
                node = (position == 0 ? node : node?["properties"])?[String(part)]
            }
            #expect(node?["type"]?.stringValue != nil, "\(name) is not mapped")
        }
    }
}
