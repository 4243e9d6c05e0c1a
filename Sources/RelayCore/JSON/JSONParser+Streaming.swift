extension JSONParser {
    /// A JSON object read by ``parseObject(_:streamingArrayAt:element:)``: its members other than
    /// the streamed array, and whether that array was there.
    public struct StreamedObject: Sendable, Equatable {
        /// Every member except the streamed array, in document order. A member under the streamed
        /// key whose value is not an array is kept here, so the caller can name it.
        public var members: JSONObject
        /// Whether the object held an array under the streamed key.
        public var arrayFound: Bool
    }

    /// Why ``parseObject(_:streamingArrayAt:element:)`` refused its input.
    public enum StreamingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The input is not JSON.
        case syntax(SyntaxError)
        /// The input is JSON but its top-level value is not an object (`kind` names what it is).
        case notAnObject(kind: String)

        public var description: String {
            switch self {
            case .syntax(let error): "\(error)"
            case .notAnObject(let kind): "a JSON \(kind), not an object"
            }
        }
    }

    /// Parses one JSON object without ever holding the array under `arrayKey` whole: each of its
    /// elements is handed to `element` (with its index) as soon as it is parsed, and dropped after.
    /// Memory is so bounded by the largest element rather than the array: this is how a push
    /// request of a million records is read at a small constant times its size, where a tree of
    /// the whole document costs tens of times more.
    ///
    /// `element` returns `false` to stop: the call then returns at once and the rest of the input
    /// is not checked. Otherwise the whole input is checked as strictly as ``parse(_:)``.
    public static func parseObject(
        _ bytes: [UInt8], streamingArrayAt arrayKey: String, element: (Int, JSONValue) -> Bool
    ) throws(StreamingError) -> StreamedObject {
        try bytes.withUnsafeBufferPointer { buffer throws(StreamingError) in
            var cursor = JSONCursor(buffer: buffer)
            cursor.skipWhitespace()
            // The kind is read from the first byte: no tree of an array or a long string is built.
            if !cursor.atEnd, let kind = Self.kind(startingWith: buffer[cursor.position]) {
                throw .notAnObject(kind: kind)
            }
            do throws(SyntaxError) {
                guard !cursor.atEnd else { throw cursor.error("unexpected end of input") }
                guard buffer[cursor.position] == UInt8(ascii: "{") else {
                    throw cursor.error("expected a JSON object")
                }
                var object = StreamedObject(members: JSONObject(), arrayFound: false)
                if try cursor.streamObject(arrayKey: arrayKey, into: &object, element: element) {
                    cursor.skipWhitespace()
                    guard cursor.atEnd else { throw cursor.error("unexpected data after the JSON value") }
                }
                return object
            } catch {
                throw .syntax(error)
            }
        }
    }

    /// The kind of JSON value other than an object that starts with `byte`, if any.
    private static func kind(startingWith byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "["): "array"
        case UInt8(ascii: "\""): "string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "boolean"
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "number"
        default: nil
        }
    }
}

extension JSONCursor {
    /// Reads the object at the cursor, streaming the array under `arrayKey`. Returns `false` when
    /// `element` asked to stop.
    fileprivate mutating func streamObject(
        arrayKey: String, into object: inout JSONParser.StreamedObject, element: (Int, JSONValue) -> Bool
    ) throws(JSONParser.SyntaxError) -> Bool {
        if openContainer(closedBy: JSONCursor.objectEnd) { return true }
        repeat {
            let key = try memberName()
            if key == arrayKey, position < buffer.count, buffer[position] == UInt8(ascii: "[") {
                guard !object.arrayFound else { throw error("member \"\(arrayKey)\" appears more than once") }
                object.arrayFound = true
                guard try streamArray(element: element) else { return false }
            } else {
                object.members.append(key: key, value: try parseValue(depth: 1))
            }
        } while try nextItem(closedBy: JSONCursor.objectEnd)
        return true
    }

    /// Reads the array at the cursor one element at a time. Returns `false` when `element` asked to stop.
    private mutating func streamArray(element: (Int, JSONValue) -> Bool) throws(JSONParser.SyntaxError) -> Bool {
        if openContainer(closedBy: JSONCursor.arrayEnd) { return true }
        var index = 0
        repeat {
            skipWhitespace()
            guard element(index, try parseValue(depth: 2)) else { return false }
            index += 1
        } while try nextItem(closedBy: JSONCursor.arrayEnd)
        return true
    }
}
