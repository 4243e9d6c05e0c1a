import Foundation

/// A small reader of the SPL the generators write: which fields a search reads and which it
/// defines (`eval x=`, `... AS x`). Enough for `search`, `eval`, `where`, `stats`, `timechart`,
/// `table`, `dedup`, `sort`, `head`, `lookup`.
struct SPLFields {
    var used: Set<String> = []
    var defined: Set<String> = []

    static let keywords: Set<String> = ["OR", "AND", "NOT", "IN", "BY", "AS", "true", "false"]

    init(_ spl: String) {
        // Quoted strings and macro calls say nothing about fields.
        var text = spl.replacingOccurrences(of: #""(\\.|[^"\\])*""#, with: "\"\"", options: .regularExpression)
        text = text.replacingOccurrences(of: "`[^`]*`", with: " ", options: .regularExpression)
        for (index, rawSegment) in text.split(separator: "|").enumerated() {
            let segment = rawSegment.trimmingCharacters(in: .whitespaces)
            let words = segment.split(separator: " ").map(String.init)
            let command =
                index == 0 && !["eval", "where", "stats", "timechart", "table", "dedup"].contains(words.first ?? "")
                ? "search" : (words.first ?? "")
            let rest = command == "search" ? segment : String(segment.dropFirst(command.count))
            switch command {
            case "search":
                for match in GenerateTestSupport.matches(#"([A-Za-z_][A-Za-z0-9_.]*)\s*(!=|=|\s+IN\s*\()"#, in: rest) {
                    used.insert(match[1])
                }
            case "eval":
                for assignment in rest.split(separator: ",") {
                    let parts = assignment.split(separator: "=", maxSplits: 1)
                    defined.insert(parts[0].trimmingCharacters(in: .whitespaces))
                    if parts.count == 2 { identifiers(String(parts[1])) }
                }
            case "where":
                identifiers(rest)
            case "stats", "timechart":
                for match in GenerateTestSupport.matches(#"\(([A-Za-z_][A-Za-z0-9_.]*)\)"#, in: rest) {
                    used.insert(match[1])
                }
                for match in GenerateTestSupport.matches(#"\bAS\s+([A-Za-z_][A-Za-z0-9_]*)"#, in: rest) {
                    defined.insert(match[1])
                }
                if let by = rest.range(of: " BY ") {
                    for word in rest[by.upperBound...].split(separator: " ") where !word.contains("=") {
                        used.insert(String(word))
                    }
                }
            case "table", "sort":
                for word in rest.split(separator: " ") where word != "-" { used.insert(String(word)) }
            case "lookup":
                // `lookup TABLE field AS event_field OUTPUT out ...`: reads event_field, defines the outputs.
                let parts = rest.components(separatedBy: " OUTPUT ")
                let input = parts[0].split(separator: " ").map(String.init)
                if let alias = input.firstIndex(of: "AS"), alias + 1 < input.count { used.insert(input[alias + 1]) }
                for word in parts.dropFirst().joined().split(separator: " ") where word != "AS" {
                    defined.insert(String(word))
                }
            case "dedup":
                for word in rest.split(separator: " ") where !word.contains("=") { used.insert(String(word)) }
            default:
                continue
            }
        }
    }

    /// Identifiers of an expression that are not function names, keywords or numbers.
    private mutating func identifiers(_ expression: String) {
        for match in GenerateTestSupport.matches(#"([A-Za-z_][A-Za-z0-9_.]*)(\s*\()?"#, in: expression) {
            guard match[2].isEmpty, !Self.keywords.contains(match[1]) else { continue }
            used.insert(match[1])
        }
    }

    /// Fields read that the search did not define itself.
    var external: Set<String> { used.subtracting(defined) }
}
