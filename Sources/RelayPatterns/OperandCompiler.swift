import RelayCore

/// The operands with structure of their own: `anything-but` and `numeric`.
enum OperandCompiler {
    /// `anything-but`: a string or number, a list of strings or of numbers, or an object with one of
    /// `prefix`, `suffix`, `equals-ignore-case`, `wildcard` (each a string or a list of strings).
    static func anythingBut(_ operand: JSONValue, at path: PatternPath) throws(PatternError) -> ValueMatcher {
        switch operand {
        case .string, .number:
            return .anythingBut([try PatternCompiler.exact(operand, at: path)])
        case .array(let elements):
            guard !elements.isEmpty else { throw path.error("anything-but: an empty list excludes nothing") }
            let allStrings = elements.allSatisfy { $0.stringValue != nil }
            let allNumbers = elements.allSatisfy { if case .number = $0 { true } else { false } }
            guard allStrings || allNumbers else {
                throw path.error("anything-but: a list holds only strings or only numbers")
            }
            var excluded: [ExactValue] = []
            for element in elements { excluded.append(try PatternCompiler.exact(element, at: path)) }
            return .anythingBut(excluded)
        case .object(let object):
            guard object.count == 1, let member = object.members.first else {
                throw path.error(
                    "anything-but takes one of prefix, suffix, equals-ignore-case, wildcard, found \(object.count) keys"
                )
            }
            guard ["prefix", "suffix", "equals-ignore-case", "wildcard"].contains(member.key) else {
                throw path.error(
                    "anything-but does not take \"\(member.key)\"; use prefix, suffix, equals-ignore-case or wildcard"
                )
            }
            let name = "anything-but.\(member.key)"
            var texts: [String] = []
            switch member.value {
            case .string(let text):
                texts = [text]
            case .array(let elements) where !elements.isEmpty:
                for element in elements { texts.append(try PatternCompiler.string(element, for: name, at: path)) }
            default:
                throw path.error(
                    "\(name) takes a string or a non-empty list of strings, not \(JSONWriter.string(member.value))")
            }
            var tests: [StringTest] = []
            for text in texts {
                switch member.key {
                case "prefix", "suffix":
                    guard !text.isEmpty else { throw path.error("\(name): an empty string would exclude every value") }
                    tests.append(member.key == "prefix" ? .prefix(Array(text.utf8)) : .suffix(Array(text.utf8)))
                case "equals-ignore-case":
                    tests.append(.equalsIgnoreCase(TextMatching.fold(text)))
                default:
                    tests.append(.wildcard(try WildcardPattern(compiling: text, at: path)))
                }
            }
            return .anythingButString(tests)
        case .bool, .null:
            throw path.error(
                "anything-but takes a string, a number, a list of them or an object, not a \(operand.kindName)")
        }
    }

    /// `numeric`: `["=", n]`, `[op, n]`, or a range `[">"|">=", low, "<"|"<=", high]` with low < high.
    static func numeric(_ operand: JSONValue, at path: PatternPath) throws(PatternError) -> [NumericBound] {
        guard case .array(let elements) = operand else {
            throw path.error("numeric takes a list like [\">\", 0, \"<=\", 5], not a \(operand.kindName)")
        }
        guard elements.count == 2 || elements.count == 4 else {
            throw path.error(
                "numeric takes one comparison [op, number] or a range [op, number, op, number], got \(elements.count) items"
            )
        }
        var bounds: [NumericBound] = []
        var index = 0
        while index < elements.count {
            guard case .string(let symbol) = elements[index], let comparison = NumericBound.Comparison(rawValue: symbol)
            else {
                throw path.error(
                    "numeric: item \(index) must be one of \"<\", \"<=\", \"=\", \">=\", \">\", not \(JSONWriter.string(elements[index]))"
                )
            }
            guard case .number(let literal) = elements[index + 1], let value = literal.doubleValue, value.isFinite
            else {
                throw path.error(
                    "numeric: item \(index + 1) must be a number, not \(JSONWriter.string(elements[index + 1]))")
            }
            bounds.append(NumericBound(comparison: comparison, operand: value))
            index += 2
        }
        if bounds.count == 2 {
            let lower = bounds[0]
            let upper = bounds[1]
            guard lower.comparison == .greater || lower.comparison == .greaterOrEqual,
                upper.comparison == .less || upper.comparison == .lessOrEqual
            else {
                throw path.error("numeric: a range starts with \">\" or \">=\" and ends with \"<\" or \"<=\"")
            }
            guard lower.operand < upper.operand else {
                throw path.error(
                    "numeric: the lower bound \(lower.operand) must be below the upper bound \(upper.operand)")
            }
        }
        return bounds
    }
}
