import RelayCore

/// Block-style YAML from a JSON tree, for CloudFormation templates. Every string is written as a
/// double-quoted JSON string (valid YAML, no implicit typing surprises); keys that are plain
/// identifiers stay unquoted.
enum YAMLWriter {
    /// `value` (an object) as a YAML document with a final newline.
    static func render(_ value: JSONValue) -> String {
        var lines: [String] = []
        if case .object(let object) = value {
            writeMembers(object, indent: 0, into: &lines)
        } else {
            lines.append(scalar(value))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func writeMembers(_ object: JSONObject, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for member in object {
            let key = plainKey(member.key)
            switch member.value {
            case .object(let nested) where !nested.isEmpty:
                lines.append("\(pad)\(key):")
                writeMembers(nested, indent: indent + 2, into: &lines)
            case .array(let elements) where !elements.isEmpty:
                lines.append("\(pad)\(key):")
                writeElements(elements, indent: indent + 2, into: &lines)
            default:
                lines.append("\(pad)\(key): \(scalar(member.value))")
            }
        }
    }

    private static func writeElements(_ elements: [JSONValue], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for element in elements {
            switch element {
            case .object(let nested) where !nested.isEmpty:
                var inner: [String] = []
                writeMembers(nested, indent: indent + 2, into: &inner)
                // The first member shares the dash's line.
                let first = inner[0].dropFirst(indent + 2)
                lines.append("\(pad)- \(first)")
                lines.append(contentsOf: inner.dropFirst())
            case .array(let nested) where !nested.isEmpty:
                lines.append("\(pad)- \(JSONWriter.string(element))")
                _ = nested
            default:
                lines.append("\(pad)- \(scalar(element))")
            }
        }
    }

    /// Scalars and empty collections in JSON syntax (a YAML subset).
    private static func scalar(_ value: JSONValue) -> String {
        JSONWriter.string(value)
    }

    private static func plainKey(_ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "_" || scalar == "-" || scalar == ":"
            } && !key.hasPrefix("-")
        return plain ? key : JSONWriter.string(.string(key))
    }
}
