import RelayCore
import RelaySinks
import RelayTesting
import Testing

@Suite("SentinelRowEncoder")
struct SentinelRowEncoderTests {
    @Test("a row holds TimeGenerated and one column per present common field, nothing else")
    func mapping() throws {
        let entry = Fixtures.entry(3, platform: .cxone)
        let row = try #require(try JSONParser.parse(SentinelRowEncoder.encode(entry)).objectValue)
        let event = try #require(try JSONParser.parse(entry.payload).objectValue)
        let names = Set(SentinelRowEncoder.columns.map(\.name))
        #expect(row.allSatisfy { names.contains($0.key) })
        #expect(row["TimeGenerated"] == .string(entry.timestamp.iso8601))
        for column in SentinelRowEncoder.columns.dropFirst() {
            #expect(row[column.name] == event[column.field], "\(column.name)")
        }
    }

    @Test("columns follow Log Analytics' rules: TimeGenerated first, names valid and not reserved")
    func columnRules() {
        // https://learn.microsoft.com/azure/azure-monitor/logs/logs-ingestion-api-overview: a column name
        // starts with a letter, has at most 45 letters, digits, _ and -, and is not a reserved name.
        let reserved: Set = [
            "type", "tenantid", "resource", "resourceid", "resourcename", "resourcetype", "subscriptionid",
        ]
        #expect(SentinelRowEncoder.columns.first?.name == "TimeGenerated")
        #expect(SentinelRowEncoder.columns.first?.type == "datetime")
        #expect(SentinelRowEncoder.table.hasSuffix("_CL"))
        for column in SentinelRowEncoder.columns {
            let valid =
                column.name.first?.isLetter == true && column.name.count <= 45
                && column.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
            #expect(valid, "\(column.name)")
            #expect(!reserved.contains(column.name.lowercased()), "\(column.name)")
            #expect(["datetime", "string", "dynamic"].contains(column.type), "\(column.name)")
        }
    }

    @Test("a payload that is not an object keeps its text in Attributes.raw_payload")
    func unparseable() throws {
        var entry = Fixtures.entry(1)
        entry.payload = Array("not json".utf8)
        let row = try #require(try JSONParser.parse(SentinelRowEncoder.encode(entry)).objectValue)
        #expect(row["EventId"] == .string(entry.eventID))
        #expect(row["Attributes"]?["raw_payload"] == "not json")
    }

    @Test("the body is a JSON array of the rows")
    func array() throws {
        let rows = [Fixtures.entry(1), Fixtures.entry(2)].map(SentinelRowEncoder.encode)
        let body = try #require(try JSONParser.parse(SentinelRowEncoder.array(of: rows)).arrayValue)
        #expect(body.count == 2)
        #expect(body.map { $0["EventId"]?.stringValue } == [Fixtures.entry(1).eventID, Fixtures.entry(2).eventID])
    }
}
