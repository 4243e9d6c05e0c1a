import RelayCore
import Testing

@Suite("JSONParser.parseObject streaming one array")
struct JSONStreamingParserTests {
    /// Streams `text`'s `records`, returning the elements as compact JSON with the result.
    private func stream(_ text: String, stopAfter limit: Int = .max) throws(JSONParser.StreamingError)
        -> (elements: [String], object: JSONParser.StreamedObject)
    {
        var elements: [String] = []
        let object = try JSONParser.parseObject(Array(text.utf8), streamingArrayAt: "records") { index, value in
            #expect(index == elements.count)
            elements.append(JSONWriter.string(value))
            return elements.count < limit
        }
        return (elements, object)
    }

    @Test("every element of the array is handed over in order; the other members are returned")
    func elementsAndMembers() throws {
        let (elements, object) = try stream(
            #"{"requestId":"r-1","records":[{"data":"YQ=="},{"data":"Yg=="},7,[1]],"timestamp":1578090901599}"#)
        #expect(elements == [#"{"data":"YQ=="}"#, #"{"data":"Yg=="}"#, "7", "[1]"])
        #expect(object.arrayFound)
        #expect(object.members["requestId"]?.stringValue == "r-1")
        #expect(object.members["timestamp"]?.int64Value == 1_578_090_901_599)
        #expect(object.members["records"] == nil)
    }

    @Test("an empty array is found and hands over nothing; a missing one is not found")
    func emptyAndMissing() throws {
        let empty = try stream(#" {"records":[ ]} "#)
        #expect(empty.elements.isEmpty)
        #expect(empty.object.arrayFound)
        let missing = try stream(#"{"requestId":"r"}"#)
        #expect(!missing.object.arrayFound)
    }

    @Test("a streamed key whose value is not an array is kept among the members, not streamed")
    func notAnArray() throws {
        let (elements, object) = try stream(#"{"records":{"data":"x"}}"#)
        #expect(elements.isEmpty)
        #expect(!object.arrayFound)
        #expect(object.members["records"]?["data"]?.stringValue == "x")
    }

    @Test("returning false stops at once, without reading the rest")
    func stopsEarly() throws {
        // The input after the second element is broken: stopping before it means it is never read.
        let (elements, _) = try stream(#"{"records":[1,2,3,"#, stopAfter: 2)
        #expect(elements == ["1", "2"])
    }

    @Test(
        "the top-level value must be an object, named by kind",
        arguments: [("[1,2]", "array"), (#""s""#, "string"), ("12", "number"), ("true", "boolean"), ("null", "null")]
    )
    func notAnObject(_ text: String, kind: String) {
        #expect(throws: JSONParser.StreamingError.notAnObject(kind: kind)) { try stream(text) }
    }

    @Test(
        "broken JSON anywhere is refused as strictly as parse",
        arguments: [
            "", "x", "{", #"{"records":[1,2"#, #"{"records":[1,,2]}"#, #"{"records":[1]} trailing"#,
            #"{"a":1,}"#, #"{"records":[{"data":"\q"}]}"#, #"{"records":[1],"records":[2]}"#,
        ]
    )
    func syntax(_ text: String) {
        #expect {
            try stream(text)
        } throws: { error in
            guard case .syntax = error as? JSONParser.StreamingError else { return false }
            return true
        }
    }

    @Test("nesting inside an element is limited like parse's")
    func depth() {
        let deep =
            String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: (any Error).self) { try stream(#"{"records":["# + deep + "]}") }
    }
}
