import RelayCore
import Testing

@Suite("JSONParser and JSONWriter")
struct JSONParserTests {
    // MARK: Round trips

    @Test(
        "parse then write reproduces compact documents byte for byte",
        arguments: [
            #"{"zeta":1,"alpha":2,"mid":{"b":true,"a":false}}"#,
            #"[12345678901234567890,-12345678901234567890123,0,-0,1.50,1e400,-2.5E-3,1E+2,0.0]"#,
            #"{"a":1,"a":2}"#,
            #"{"":"","n":null,"e":[],"o":{}}"#,
            #"["é","日本語","😀","tab\tnew\nquote\"back\\"]"#,
            #"{"nested":[[[{"deep":[1,[2,[3]]]}]]]}"#,
            #""just a string""#,
            "42",
            "true",
            "null",
        ]
    )
    func roundTrip(_ document: String) throws {
        let value = try JSONParser.parse(document)
        #expect(JSONWriter.string(value) == document)
    }

    @Test("member order is document order, not sorted")
    func memberOrder() throws {
        let value = try JSONParser.parse(#"{"z":1,"y":2,"x":3,"a":4}"#)
        #expect(value.objectValue?.members.map(\.key) == ["z", "y", "x", "a"])
    }

    @Test("number literals are kept exactly, so big integers never round")
    func numberLiterals() throws {
        let value = try JSONParser.parse("[12345678901234567890, 1.10, 1e2, -0.0]")
        let literals = value.arrayValue?.compactMap { element -> String? in
            if case .number(let number) = element { return number.literal }
            return nil
        }
        #expect(literals == ["12345678901234567890", "1.10", "1e2", "-0.0"])
        #expect(value.arrayValue?.first?.int64Value == nil)  // does not fit, and is not silently rounded
        #expect(try JSONParser.parse("9223372036854775807").int64Value == Int64.max)
    }

    @Test("whitespace around and inside a document is accepted and dropped on write")
    func whitespace() throws {
        let value = try JSONParser.parse(" \t\r\n{ \"a\" : [ 1 , 2 ] }\n")
        #expect(JSONWriter.string(value) == #"{"a":[1,2]}"#)
    }

    // MARK: Escapes

    @Test("escape sequences decode, surrogate pairs included")
    func escapesDecode() throws {
        let value = try JSONParser.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u00E9\ud83d\ude00\u0000""#)
        #expect(value.stringValue == "\"\\/\u{08}\u{0C}\n\r\tAéé😀\u{00}")
    }

    @Test("the writer escapes quotes, backslashes and every control character")
    func writerEscapes() {
        let text = "a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i\u{1F}j\u{00}"
        #expect(
            JSONWriter.string(.string(text))
                == #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj\u0000""#
        )
        // `/`, DEL and non-ASCII need no escape and are written as UTF-8.
        #expect(JSONWriter.string(.string("/\u{7F}é😀")) == "\"/\u{7F}é😀\"")
    }

    @Test("a byte that needs escaping is found at every position, inside and across eight-byte words")
    func escapesAtEveryPosition() throws {
        let specials: [Character] = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é"]
        for length in 1...40 {
            for position in 0..<length {
                for special in specials {
                    var text = String(repeating: "a", count: length)
                    let index = text.index(text.startIndex, offsetBy: position)
                    text.replaceSubrange(index...index, with: String(special))
                    let written = JSONWriter.string(.string(text))
                    #expect(written == "\"" + referenceEscaped(text) + "\"", "length \(length), position \(position)")
                    #expect(try JSONParser.parse(written) == .string(text))
                }
            }
        }
    }

    @Test("a byte that is not UTF-8 is refused wherever it sits in a string; valid non-ASCII text is kept")
    func invalidUTF8AtEveryPosition() throws {
        for length in 1...24 {
            for position in 0..<length {
                var bytes = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: length) + Array("\"".utf8)
                bytes[1 + position] = 0xFF
                #expect(throws: JSONParser.SyntaxError.self, "length \(length), position \(position)") {
                    try JSONParser.parse(bytes)
                }
                var text = String(repeating: "a", count: length)
                text.insert("é", at: text.index(text.startIndex, offsetBy: position))
                #expect(try JSONParser.parse(Array("\"\(text)\"".utf8)) == .string(text))
            }
        }
    }

    /// A character-at-a-time escaper to compare the writer against.
    private func referenceEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    @Test("every control character survives write then parse")
    func controlCharactersRoundTrip() throws {
        let text = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        let bytes = JSONWriter.encode(.object(JSONObject(["k\u{01}": .string(text)])))
        #expect(!bytes.contains { $0 < 0x20 })
        let parsed = try JSONParser.parse(bytes)
        #expect(parsed["k\u{01}"]?.stringValue == text)
    }

    // MARK: Malformed input

    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let offset: Int
        let reason: String
        init(_ name: String, _ text: String, at offset: Int, _ reason: String) {
            self.init(name, Array(text.utf8), at: offset, reason)
        }
        init(_ name: String, _ bytes: [UInt8], at offset: Int, _ reason: String) {
            self.name = name
            self.bytes = bytes
            self.offset = offset
            self.reason = reason
        }
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed("empty input", "", at: 0, "end of input"),
        Malformed("whitespace only", "  \n", at: 3, "end of input"),
        Malformed("trailing comma in array", "[1,2,]", at: 5, "unexpected character"),
        Malformed("trailing comma in object", #"{"a":1,}"#, at: 7, "member name"),
        Malformed("missing comma", "[1 2]", at: 3, "expected ','"),
        Malformed("missing colon", #"{"a" 1}"#, at: 5, "':'"),
        Malformed("unquoted key", "{a:1}", at: 1, "member name"),
        Malformed("single quotes", "['a']", at: 1, "unexpected character"),
        Malformed("unterminated string", #""abc"#, at: 4, "unterminated string"),
        Malformed("unterminated string after escape", #""a\n"#, at: 4, "unterminated string"),
        Malformed("unterminated array", "[1,2", at: 4, "unterminated array"),
        Malformed("unterminated object", #"{"a":1"#, at: 6, "unterminated object"),
        Malformed("bad escape", #""a\x""#, at: 4, "invalid escape"),
        Malformed("bad hex in \\u", #""\u12G4""#, at: 5, "hex digit"),
        Malformed("truncated \\u", #""\u12"#, at: 3, "truncated"),
        Malformed("lone high surrogate", #""\ud800""#, at: 7, "unpaired surrogate"),
        Malformed("high surrogate then text", #""\ud800abc""#, at: 7, "unpaired surrogate"),
        Malformed("lone low surrogate", #""\udc00""#, at: 7, "unpaired surrogate"),
        Malformed("high surrogate then non-low", #""\ud800\u0041""#, at: 13, "low surrogate"),
        Malformed("raw control character", "\"a\tb\"", at: 2, "control character"),
        Malformed("invalid UTF-8 byte", [0x22, 0x61, 0xFF, 0x22], at: 1, "UTF-8"),
        Malformed("overlong UTF-8", [0x22, 0xC0, 0xAF, 0x22], at: 1, "UTF-8"),
        Malformed("UTF-8 encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], at: 1, "UTF-8"),
        Malformed("truncated UTF-8 sequence", [0x22, 0xE6, 0x97, 0x22], at: 1, "UTF-8"),
        Malformed("invalid UTF-8 after an escape", [0x22, 0x5C, 0x6E, 0xFF, 0x22], at: 1, "UTF-8"),
        Malformed("leading zero", "01", at: 1, "leading zero"),
        Malformed("negative leading zero", "-012", at: 2, "leading zero"),
        Malformed("leading zero in array", "[00]", at: 2, "leading zero"),
        Malformed("leading plus", "+1", at: 0, "unexpected character"),
        Malformed("bare minus", "-", at: 1, "truncated number"),
        Malformed("minus without digit", "-a", at: 1, "invalid number"),
        Malformed("leading dot", ".5", at: 0, "unexpected character"),
        Malformed("trailing dot", "1.", at: 2, "after '.'"),
        Malformed("empty exponent", "1e", at: 2, "exponent"),
        Malformed("signed empty exponent", "1e+", at: 3, "exponent"),
        Malformed("hex number", "0x10", at: 1, "after the JSON value"),
        Malformed("NaN", "NaN", at: 0, "unexpected character"),
        Malformed("Infinity", "-Infinity", at: 1, "invalid number"),
        Malformed("capitalised literal", "True", at: 0, "unexpected character"),
        Malformed("misspelled literal", "nul1", at: 0, "invalid literal"),
        Malformed("truncated literal", "tru", at: 0, "truncated literal"),
        Malformed("second value", "{} {}", at: 3, "after the JSON value"),
        Malformed("trailing garbage", "[1]x", at: 3, "after the JSON value"),
        Malformed("comment", "[1 /* two */]", at: 3, "expected ','"),
    ]

    @Test("malformed input is rejected with the byte offset of the problem", arguments: malformed)
    func rejects(_ input: Malformed) {
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(input.bytes) }
        #expect(error?.offset == input.offset)
        #expect(error?.reason.contains(input.reason) == true, "reason: \(error?.reason ?? "none")")
        #expect(error?.description.contains("byte \(input.offset)") == true)
    }

    // MARK: Nesting limit

    @Test("nesting up to the limit parses; one deeper is refused at the offending bracket")
    func nestingLimit() throws {
        let depth = JSONParser.maximumDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try JSONParser.parse(deepest) }

        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(tooDeep) }
        #expect(error?.offset == depth)
        #expect(error?.reason.contains("nesting") == true)

        let objects = String(repeating: #"{"a":"#, count: depth + 1) + "1" + String(repeating: "}", count: depth + 1)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(objects) }
    }

    @Test("hostile nesting far past the limit fails cleanly instead of exhausting the stack")
    func hostileNesting() {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 200_000)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(bytes) }
        #expect(throws: JSONParser.ConcatenatedError.self) { try JSONParser.parseConcatenated(bytes) }
    }

    // MARK: parseConcatenated

    @Test("back-to-back objects are separate values")
    func concatenatedObjects() throws {
        let values = try JSONParser.parseConcatenated(Array(#"{"a":1}{"b":2}[3]"c"4"#.utf8))
        #expect(values == [["a": 1], ["b": 2], [3], "c", 4])
    }

    @Test("values separated by any JSON whitespace, with whitespace at both ends")
    func concatenatedWhitespace() throws {
        let values = try JSONParser.parseConcatenated(Array(" \n{\"a\":1}\r\n\t{\"b\":2}\n1 2 true\n".utf8))
        #expect(values == [["a": 1], ["b": 2], 1, 2, true])
    }

    @Test("empty or all-whitespace input is no values", arguments: ["", " ", "\n\r\t "])
    func concatenatedEmpty(_ text: String) throws {
        #expect(try JSONParser.parseConcatenated(Array(text.utf8)).isEmpty)
    }

    @Test(
        "the error names the zero-based index of the bad value and its byte offset",
        arguments: [
            (#"{"a":1}{"b":}{"c":3}"#, 1, 12),
            (#"{"a":1,}"#, 0, 7),
            (#"{"a":1}{"b":2}}"#, 2, 14),
            (#"[1][2]"unterminated"#, 2, 19),
            ("{\"n\":0}\n01", 1, 9),
            ("0 1 01", 2, 5),
        ]
    )
    func concatenatedError(_ text: String, index: Int, offset: Int) {
        let error = #expect(throws: JSONParser.ConcatenatedError.self) {
            try JSONParser.parseConcatenated(Array(text.utf8))
        }
        #expect(error?.index == index)
        #expect(error?.syntax.offset == offset)
        #expect(error?.description.hasPrefix("value #\(index):") == true)
    }
}
