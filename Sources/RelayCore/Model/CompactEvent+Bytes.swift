extension CompactEvent {
    /// ``compact(_:)`` on the payload's bytes, without building a JSON tree: members are found by
    /// their spans and copied; only a nested value that may hold an empty member is parsed (to prune
    /// it). `nil` when the payload is not compact JSON with an object at the top (whitespace between
    /// tokens, say), which the caller then parses whole. Parsing every payload cost about ten times
    /// copying it.
    static func compactSpans(_ bytes: [UInt8], keys: KeyNames) -> [UInt8]? {
        let scanner = JSONSpans(bytes: bytes)
        // The members' scan checks the whole text: an object from the first byte to the last.
        guard let members = scanner.members(0..<bytes.count) else { return nil }
        var lifted: [ArraySlice<UInt8>] = []
        var targetID: ArraySlice<UInt8> = []
        for member in members where bytes[member.value.lowerBound] == quote {
            let key = bytes[member.key]
            if liftedKeys.contains(where: { $0.elementsEqual(key) }) { lifted.append(bytes[member.value]) }
            if key.elementsEqual(targetIDKey) {
                targetID = bytes[(member.value.lowerBound + 1)..<(member.value.upperBound - 1)]
            }
        }
        let short = keys == .short
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        out.append(UInt8(ascii: "{"))
        for member in members {
            let key = bytes[member.key]
            guard key.elementsEqual(attributesKey), bytes[member.value.lowerBound] == UInt8(ascii: "{") else {
                let value = bytes[member.value]
                append(
                    renamed(key, value, short ? CompactKeys.commonTable : nil), value, to: &out, first: out.count == 1)
                continue
            }
            guard let attributes = scanner.members(member.value) else { return nil }
            let names = attributes.map { bytes[$0.key] }
            let mark = out.count
            if mark > 1 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: key)
            out.append(contentsOf: #":{"#.utf8)
            let open = out.count
            for attribute in attributes {
                let name = bytes[attribute.key]
                let value = bytes[attribute.value]
                if value.first == quote, lifted.contains(where: { $0.elementsEqual(value) }) { continue }
                if name.elementsEqual(topicNameKey), !targetID.isEmpty, value.first == quote,
                    occurs(targetID, in: value)
                {
                    continue
                }
                if summarizedKeys.contains(where: { pair in
                    pair.key.elementsEqual(name) && names.contains { $0.elementsEqual(pair.summary) }
                }) {
                    continue
                }
                let table = short ? CompactKeys.attributeTable : nil
                append(renamed(name, value, table), value, to: &out, first: out.count == open)
            }
            if out.count == open {
                out.removeSubrange(mark...)
            } else {
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The key to write for a member: its short key in `table` when it has one and a scalar value.
    private static func renamed(
        _ key: ArraySlice<UInt8>, _ value: ArraySlice<UInt8>, _ table: CompactKeys.Table?
    ) -> ArraySlice<UInt8> {
        guard let table, value.first != UInt8(ascii: "{"), value.first != UInt8(ascii: "[") else { return key }
        return table.key(key)
    }

    /// Appends `"key":value` (after a comma unless `first`) unless the value is empty; a container
    /// that may hold an empty member is parsed and pruned.
    private static func append(
        _ key: ArraySlice<UInt8>, _ value: ArraySlice<UInt8>, to out: inout [UInt8], first: Bool
    ) {
        if emptyValues.contains(where: { $0.elementsEqual(value) }) { return }
        var written = value
        if value.first == UInt8(ascii: "{") || value.first == UInt8(ascii: "[") {
            if emptyValues.contains(where: { occurs($0[...], in: value) }) {
                guard let parsed = try? JSONParser.parse(value), let kept = pruned(parsed) else { return }
                written = JSONWriter.encode(kept)[...]
            }
        }
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: key)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: written)
    }

    /// Whether `needle` occurs in `haystack`: a plain byte search (Foundation's generic
    /// `firstRange(of:)` took most of the compaction's time).
    private static func occurs(_ needle: ArraySlice<UInt8>, in haystack: ArraySlice<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                let first = pin[0]
                var start = 0
                while start <= hay.count - pin.count {
                    if hay[start] == first {
                        var offset = 1
                        while offset < pin.count, hay[start + offset] == pin[offset] { offset += 1 }
                        if offset == pin.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }

    private static let quote = UInt8(ascii: "\"")
    private static func quoted(_ name: String) -> [UInt8] { Array("\"\(name)\"".utf8) }
    private static let liftedKeys = liftedFields.map(quoted)
    private static let targetIDKey = quoted("target_id")
    private static let attributesKey = quoted("attributes")
    private static let topicNameKey = quoted("topic_name")
    private static let summarizedKeys = summarized.map { (key: quoted($0.key), summary: quoted($0.value)) }
    /// `null`, `""`, `{}` and `[]`; inside a container, any of them (or the text `null`) sends it
    /// to the parser.
    private static let emptyValues = ["null", #""""#, "{}", "[]"].map { Array($0.utf8) }
}

/// Spans of the members and values of compact JSON text (no whitespace between tokens).
struct JSONSpans {
    let bytes: [UInt8]

    /// Where the value starting at `start` ends (exclusive); `nil` when it is not compact JSON.
    func valueEnd(_ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return stringEnd(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): return nil
                default: break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { break }
                guard byte > UInt8(ascii: " "), byte != UInt8(ascii: "\"") else { return nil }
                index += 1
            }
            return index > start ? index : nil
        }
    }

    /// The key and value spans of the object at `range`, in order; `nil` when it is not compact JSON.
    func members(_ range: Range<Int>) -> [(key: Range<Int>, value: Range<Int>)]? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "{"),
            bytes[range.upperBound - 1] == UInt8(ascii: "}")
        else { return nil }
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        var index = range.lowerBound + 1
        if index == range.upperBound - 1 { return members }
        while true {
            guard bytes[index] == UInt8(ascii: "\""), let keyEnd = stringEnd(index), keyEnd < range.upperBound,
                bytes[keyEnd] == UInt8(ascii: ":"), let valueEnd = valueEnd(keyEnd + 1), valueEnd < range.upperBound
            else { return nil }
            members.append((index..<keyEnd, (keyEnd + 1)..<valueEnd))
            if valueEnd == range.upperBound - 1 { return members }
            guard bytes[valueEnd] == UInt8(ascii: ",") else { return nil }
            index = valueEnd + 1
        }
    }

    /// Where the string starting at `start` ends (after its closing quote); ordinary bytes are
    /// skipped eight at a time.
    private func stringEnd(_ start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            var index = start + 1
            while index < buffer.count {
                while index + 8 <= buffer.count {
                    let stop = JSONWord.firstQuoteBackslashOrControl(JSONWord.load(buffer.baseAddress! + index))
                    index += stop
                    if stop < 8 { break }
                }
                guard index < buffer.count else { return nil }
                switch buffer[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): return index + 1
                default: index += 1
                }
            }
            return nil
        }
    }
}
