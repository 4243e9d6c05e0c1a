import RelayCore

/// Indented JSON (two spaces, members in the order given) for files people read and diff.
enum PrettyJSON {
    /// `value` as indented JSON text with a final newline.
    static func render(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .object(let object) where !object.isEmpty:
            out.append(contentsOf: "{\n".utf8)
            for (index, member) in object.enumerated() {
                pad(indent + 1, &out)
                JSONWriter.writeString(member.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                write(member.value, indent: indent + 1, into: &out)
                out.append(contentsOf: (index + 1 < object.count ? ",\n" : "\n").utf8)
            }
            pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        case .array(let elements) where !elements.isEmpty:
            out.append(contentsOf: "[\n".utf8)
            for (index, element) in elements.enumerated() {
                pad(indent + 1, &out)
                write(element, indent: indent + 1, into: &out)
                out.append(contentsOf: (index + 1 < elements.count ? ",\n" : "\n").utf8)
            }
            pad(indent, &out)
            out.append(UInt8(ascii: "]"))
        default:
            JSONWriter.write(value, into: &out)
        }
    }

    private static func pad(_ level: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
    }
}
