/// A strict JSON parser (RFC 8259) over UTF-8 bytes, with a nesting limit so hostile input
/// cannot exhaust the stack. Errors carry the byte offset of the problem.
public struct JSONParser {
    /// Why a document was rejected, and where.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Deepest nesting of arrays and objects accepted. Default 256.
    public static let maximumDepth = 256

    /// Parses exactly one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: some Collection<UInt8>) throws(SyntaxError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(SyntaxError) in
            var cursor = JSONCursor(buffer: buffer)
            cursor.skipWhitespace()
            let value = try cursor.parseValue(depth: 0)
            cursor.skipWhitespace()
            guard cursor.atEnd else { throw cursor.error("unexpected data after the JSON value") }
            return value
        }
    }

    /// Parses exactly one JSON value from text.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses a sequence of JSON values written back to back (`{...}{...}` or newline separated),
    /// as Splunk HEC batches and NDJSON are. An empty or all-whitespace input yields no values.
    /// On failure, `index` is the zero-based position of the value that could not be parsed.
    public static func parseConcatenated(
        _ bytes: some Collection<UInt8>
    ) throws(ConcatenatedError) -> [JSONValue] {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(ConcatenatedError) in
            var cursor = JSONCursor(buffer: buffer)
            var values: [JSONValue] = []
            cursor.skipWhitespace()
            while !cursor.atEnd {
                do throws(JSONParser.SyntaxError) {
                    values.append(try cursor.parseValue(depth: 0))
                } catch {
                    throw ConcatenatedError(index: values.count, syntax: error, parsed: values)
                }
                cursor.skipWhitespace()
            }
            return values
        }
    }

    /// A failure inside a sequence of values: which value, and the syntax error.
    public struct ConcatenatedError: Error, Sendable, Equatable, CustomStringConvertible {
        public let index: Int
        public let syntax: SyntaxError
        /// The values before the bad one, which parsed.
        public let parsed: [JSONValue]
        public var description: String { "value #\(index): \(syntax)" }
    }
}

/// The parser's reading position over a buffer (shared with ``JSONParser/parseObject(_:streamingArrayAt:element:)``).
struct JSONCursor {
    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0

    init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    var atEnd: Bool { position >= buffer.count }

    func error(_ reason: String) -> JSONParser.SyntaxError {
        JSONParser.SyntaxError(offset: position, reason: reason)
    }

    mutating func skipWhitespace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        guard position < buffer.count else { throw error("unexpected end of input") }
        switch buffer[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(printable(buffer[position]))'")
        }
    }

    private func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParser.SyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw error("truncated literal") }
        let start = literal.utf8Start
        for offset in 0..<count where buffer[position + offset] != start[offset] {
            throw error("invalid literal")
        }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        var object = JSONObject()
        if openContainer(closedBy: JSONCursor.objectEnd) { return .object(object) }
        // Growing one member at a time reallocates 4 times on the way to a record's usual 10–20 members.
        object.reserveCapacity(8)
        repeat {
            let key = try memberName()
            object.append(key: key, value: try parseValue(depth: depth))
        } while try nextItem(closedBy: JSONCursor.objectEnd)
        return .object(object)
    }

    private mutating func parseArray(depth: Int) throws(JSONParser.SyntaxError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        var elements: [JSONValue] = []
        if openContainer(closedBy: JSONCursor.arrayEnd) { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
        } while try nextItem(closedBy: JSONCursor.arrayEnd)
        return .array(elements)
    }

    // MARK: Containers, one step at a time (shared with the streaming reader)

    /// The bytes that close an object and an array.
    static let objectEnd = UInt8(ascii: "}")
    static let arrayEnd = UInt8(ascii: "]")

    /// Consumes the opening `{` or `[` at the cursor and the whitespace after it; true when the
    /// container is empty (its `closing` byte is consumed too).
    mutating func openContainer(closedBy closing: UInt8) -> Bool {
        position += 1
        skipWhitespace()
        guard position < buffer.count, buffer[position] == closing else { return false }
        position += 1
        return true
    }

    /// Reads a member's name and its `:`; the cursor is then at the value.
    mutating func memberName() throws(JSONParser.SyntaxError) -> String {
        skipWhitespace()
        guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
            throw error("expected a member name in double quotes")
        }
        let key = try parseString()
        skipWhitespace()
        guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else {
            throw error("expected ':' after member name")
        }
        position += 1
        skipWhitespace()
        return key
    }

    /// After a member or element: consumes `,` (true: another follows) or the container's
    /// `closing` (false: it ended).
    mutating func nextItem(closedBy closing: UInt8) throws(JSONParser.SyntaxError) -> Bool {
        skipWhitespace()
        guard position < buffer.count else {
            throw error(closing == Self.objectEnd ? "unterminated object" : "unterminated array")
        }
        if buffer[position] == UInt8(ascii: ",") {
            position += 1
            return true
        }
        guard buffer[position] == closing else {
            throw error(closing == Self.objectEnd ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
        }
        position += 1
        return false
    }

    private mutating func parseNumber() throws(JSONParser.SyntaxError) -> JSONNumber {
        let start = position
        if buffer[position] == UInt8(ascii: "-") { position += 1 }
        guard position < buffer.count else { throw error("truncated number") }
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
            // `01` is not `0` followed by `1`: in a concatenated stream it would otherwise split in two.
            if position < buffer.count, isDigit(buffer[position]) { throw error("leading zeros are not allowed") }
        } else if isDigit(buffer[position]) {
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        } else {
            throw error("invalid number")
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else { throw error("digit expected after '.'") }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E") {
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < buffer.count, isDigit(buffer[position]) else { throw error("digit expected in exponent") }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
        return JSONNumber(uncheckedLiteral: literal)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    mutating func parseString() throws(JSONParser.SyntaxError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes. All-ASCII text (the usual case) needs no UTF-8 validation, and
        // skipping the generic validating initializer there saves a metadata lookup per string.
        var highBits: UInt8 = 0
        var skippedWords: UInt64 = 0
        // Whole words up to the first quote, backslash or control byte; the loop below looks at it.
        while position + 8 <= buffer.count {
            let word = JSONWord.load(buffer.baseAddress! + position)
            let stop = JSONWord.firstQuoteBackslashOrControl(word)
            skippedWords |= JSONWord.prefix(word, bytes: stop)
            position += stop
            if stop < 8 { break }
        }
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
                position += 1
                if highBits < 0x80, !JSONWord.hasNonASCII(skippedWords) {
                    return String(decoding: slice, as: UTF8.self)
                }
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw JSONParser.SyntaxError(offset: start, reason: "string is not valid UTF-8")
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("unescaped control character in string") }
            highBits |= byte
            position += 1
        }
        guard position < buffer.count else { throw error("unterminated string") }
        var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<position]))
        while position < buffer.count {
            let byte = buffer[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    throw JSONParser.SyntaxError(offset: start, reason: "string is not valid UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                position += 1
                guard position < buffer.count else { throw error("unterminated escape") }
                let escaped = buffer[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(into: &bytes)
                default: throw error("invalid escape sequence")
                }
            default:
                if byte < 0x20 { throw error("unescaped control character in string") }
                bytes.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func readHex4() throws(JSONParser.SyntaxError) -> UInt32 {
        guard position + 4 <= buffer.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func appendUnicodeEscape(into bytes: inout [UInt8]) throws(JSONParser.SyntaxError) {
        var scalarValue = try readHex4()
        if (0xD800...0xDBFF).contains(scalarValue) {
            guard position + 2 <= buffer.count, buffer[position] == UInt8(ascii: "\\"),
                buffer[position + 1] == UInt8(ascii: "u")
            else { throw error("unpaired surrogate in \\u escape") }
            position += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalarValue) {
            throw error("unpaired surrogate in \\u escape")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw error("invalid code point") }
        bytes.append(contentsOf: String(Character(scalar)).utf8)
    }
}
