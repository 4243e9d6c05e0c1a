import RelayCore

/// Turns pattern JSON into the matcher tree, rejecting anything EventBridge would not accept
/// with the path of the offending place.
enum PatternCompiler {
    static let operators = [
        "prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr",
    ]

    static func compileObject(_ object: JSONObject, at path: PatternPath) throws(PatternError) -> ObjectMatcher {
        guard !object.isEmpty else {
            throw path.error("an empty pattern object matches nothing; give at least one field")
        }
        var matcher = ObjectMatcher()
        var seen: Set<String> = []
        for member in object {
            let fieldPath = path.appending(member.key)
            guard seen.insert(member.key).inserted else {
                throw fieldPath.error("the field appears twice in the same object")
            }
            if member.key == "$or" {
                matcher.alternatives.append(try compileOr(member.value, at: fieldPath))
                continue
            }
            switch member.value {
            case .object(let nested):
                matcher.fields.append(
                    FieldMatcher(key: member.key, body: .nested(try compileObject(nested, at: fieldPath))))
            case .array(let elements):
                matcher.fields.append(
                    FieldMatcher(key: member.key, body: .values(try compileList(elements, at: fieldPath))))
            default:
                if operators.contains(member.key) {
                    throw fieldPath.error(
                        "\"\(member.key)\" is an operator: put it inside the field's value list, e.g. \"field\": [{\"\(member.key)\": ...}]"
                    )
                }
                throw fieldPath.error(
                    "a field takes a list of values or a nested object, not a \(member.value.kindName); write [\(JSONWriter.string(member.value))]"
                )
            }
        }
        return matcher
    }

    private static func compileOr(_ value: JSONValue, at path: PatternPath) throws(PatternError) -> [ObjectMatcher] {
        guard case .array(let elements) = value else {
            throw path.error("$or takes a list of at least two pattern objects, not a \(value.kindName)")
        }
        guard elements.count >= 2 else {
            throw path.error("$or takes a list of at least two pattern objects, got \(elements.count)")
        }
        var alternatives: [ObjectMatcher] = []
        for (index, element) in elements.enumerated() {
            let elementPath = path.appending(index: index)
            guard case .object(let object) = element else {
                throw elementPath.error("each $or alternative is a pattern object, not a \(element.kindName)")
            }
            alternatives.append(try compileObject(object, at: elementPath))
        }
        return alternatives
    }

    private static func compileList(_ elements: [JSONValue], at path: PatternPath) throws(PatternError) -> ValueList {
        guard !elements.isEmpty else { throw path.error("an empty value list matches nothing") }
        var matchers: [ValueMatcher] = []
        for (index, element) in elements.enumerated() {
            matchers.append(try compileValue(element, at: path.appending(index: index)))
        }
        return ValueList(matchers: matchers)
    }

    private static func compileValue(_ value: JSONValue, at path: PatternPath) throws(PatternError) -> ValueMatcher {
        switch value {
        case .array:
            throw path.error("a value list cannot contain a list")
        case .object(let object):
            guard object.count == 1, let member = object.members.first else {
                throw path.error("a matcher object holds exactly one operator, found \(object.count)")
            }
            return try compileOperator(member.key, member.value, at: path)
        default:
            return .exact(try exact(value, at: path))
        }
    }

    static func exact(_ value: JSONValue, at path: PatternPath) throws(PatternError) -> ExactValue {
        switch value {
        case .string(let text): return .string(Array(text.utf8))
        case .number(let literal):
            guard let number = PatternNumber(literal) else { throw path.error("number \(literal) is out of range") }
            return .number(number)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .array, .object: throw path.error("expected a string, number, boolean or null, not a \(value.kindName)")
        }
    }

    private static func compileOperator(
        _ name: String, _ operand: JSONValue, at path: PatternPath
    ) throws(PatternError) -> ValueMatcher {
        switch name {
        case "prefix", "suffix":
            return .string(try affixTest(name, operand, at: path))
        case "equals-ignore-case":
            return .string(.equalsIgnoreCase(TextMatching.fold(try string(operand, for: name, at: path))))
        case "wildcard":
            return .string(
                .wildcard(try WildcardPattern(compiling: try string(operand, for: name, at: path), at: path)))
        case "anything-but":
            return try OperandCompiler.anythingBut(operand, at: path)
        case "numeric":
            return .numeric(try OperandCompiler.numeric(operand, at: path))
        case "exists":
            guard case .bool(let flag) = operand else {
                throw path.error("exists takes true or false, not a \(operand.kindName)")
            }
            return .exists(flag)
        case "cidr":
            return .cidr(try CIDRBlock(compiling: try string(operand, for: name, at: path), at: path))
        default:
            throw path.error("unknown operator \"\(name)\"; known: \(operators.joined(separator: ", "))")
        }
    }

    /// `prefix`/`suffix` with a string or `{"equals-ignore-case": string}`.
    static func affixTest(_ name: String, _ operand: JSONValue, at path: PatternPath) throws(PatternError) -> StringTest
    {
        let isPrefix = name == "prefix"
        if case .object(let object) = operand {
            guard object.count == 1, let member = object.members.first, member.key == "equals-ignore-case" else {
                throw path.error("\(name) takes a string or {\"equals-ignore-case\": string}")
            }
            let folded = TextMatching.fold(try string(member.value, for: "\(name).equals-ignore-case", at: path))
            return isPrefix ? .prefixIgnoreCase(folded) : .suffixIgnoreCase(folded)
        }
        let bytes = Array(try string(operand, for: name, at: path).utf8)
        return isPrefix ? .prefix(bytes) : .suffix(bytes)
    }

    static func string(_ operand: JSONValue, for name: String, at path: PatternPath) throws(PatternError) -> String {
        guard case .string(let text) = operand else {
            throw path.error("\(name) takes a string, not a \(operand.kindName)")
        }
        return text
    }
}
