/// The little XML reading AWS answers need (S3 error bodies and object listings, query-protocol errors): element text by tag
/// name, entities decoded. S3's documents are flat enough that no general parser is called for.
package enum AWSXML {
    /// The text of every `<tag>…</tag>` in document order (tags with attributes are not matched).
    package static func values(of tag: String, in document: [UInt8]) -> [String] {
        let text = String(decoding: document, as: UTF8.self)
        let open = "<\(tag)>"
        let close = "</\(tag)>"
        var results: [String] = []
        var searchFrom = text.startIndex
        while let start = text.range(of: open, range: searchFrom..<text.endIndex),
            let end = text.range(of: close, range: start.upperBound..<text.endIndex)
        {
            results.append(decodeEntities(text[start.upperBound..<end.lowerBound]))
            searchFrom = end.upperBound
        }
        return results
    }

    /// The first `<tag>` text, if any.
    package static func value(of tag: String, in document: [UInt8]) -> String? {
        values(of: tag, in: document).first
    }

    /// Decodes the five predefined entities and numeric character references.
    package static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            out += rest[..<ampersand]
            rest = rest[ampersand...]
            guard let semicolon = rest.firstIndex(of: ";") else { break }
            let name = rest[rest.index(after: rest.startIndex)..<semicolon]
            switch name {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                if name.hasPrefix("#x"), let code = UInt32(name.dropFirst(2), radix: 16),
                    let scalar = Unicode.Scalar(code)
                {
                    out.unicodeScalars.append(scalar)
                } else if name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += rest[...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }

    /// Escapes text for an element's content.
    package static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
