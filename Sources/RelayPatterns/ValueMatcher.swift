import RelayCore

/// A number from a pattern or an event, compared by value: `5`, `5.0` and `5e0` are equal; integers
/// that fit in 64 bits compare exactly, so large identifiers never collide through rounding.
struct PatternNumber: Sendable, Equatable {
    let value: Double
    let integer: Int64?

    init?(_ number: JSONNumber) {
        guard let value = number.doubleValue, value.isFinite else { return nil }
        self.value = value
        self.integer = number.int64Value
    }

    func equals(_ other: PatternNumber) -> Bool {
        if let integer, let otherInteger = other.integer { return integer == otherInteger }
        return value == other.value
    }
}

/// A literal a pattern lists: matches an event value of the same kind and value (`true` is not `1`).
enum ExactValue: Sendable, Equatable {
    case string([UInt8])
    case number(PatternNumber)
    case bool(Bool)
    case null

    func matches(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.string(let bytes), .string(let text)): TextMatching.equals(text, bytes)
        case (.number(let number), .number(let literal)): PatternNumber(literal).map(number.equals) ?? false
        case (.bool(let flag), .bool(let other)): flag == other
        case (.null, .null): true
        default: false
        }
    }
}

/// A test on string values (prefix, suffix, equals-ignore-case, wildcard, exact).
enum StringTest: Sendable, Equatable {
    case equals([UInt8])
    case equalsIgnoreCase([UInt8])
    case prefix([UInt8])
    case prefixIgnoreCase([UInt8])
    case suffix([UInt8])
    case suffixIgnoreCase([UInt8])
    case wildcard(WildcardPattern)

    func matches(_ text: String) -> Bool {
        switch self {
        case .equals(let bytes): TextMatching.equals(text, bytes)
        case .equalsIgnoreCase(let folded): TextMatching.foldedMatch(text, folded, anchor: .whole)
        case .prefix(let bytes): TextMatching.hasPrefix(text, bytes)
        case .prefixIgnoreCase(let folded): TextMatching.foldedMatch(text, folded, anchor: .start)
        case .suffix(let bytes): TextMatching.hasSuffix(text, bytes)
        case .suffixIgnoreCase(let folded): TextMatching.foldedMatch(text, folded, anchor: .end)
        case .wildcard(let pattern): pattern.matches(text)
        }
    }
}

/// One comparison of a `numeric` operand.
struct NumericBound: Sendable, Equatable {
    enum Comparison: String, Sendable {
        case less = "<"
        case lessOrEqual = "<="
        case equal = "="
        case greaterOrEqual = ">="
        case greater = ">"
    }

    let comparison: Comparison
    let operand: Double

    func holds(for value: Double) -> Bool {
        switch comparison {
        case .less: value < operand
        case .lessOrEqual: value <= operand
        case .equal: value == operand
        case .greaterOrEqual: value >= operand
        case .greater: value > operand
        }
    }
}

/// One element of a field's value list, compiled. The list matches when any element matches.
enum ValueMatcher: Sendable, Equatable {
    case exact(ExactValue)
    case string(StringTest)
    /// Any present value (of any kind) equal to none of these.
    case anythingBut([ExactValue])
    /// Any present string matching none of these tests.
    case anythingButString([StringTest])
    /// One or two bounds, all of which must hold for a number.
    case numeric([NumericBound])
    case exists(Bool)
    case cidr(CIDRBlock)

    /// Whether a present scalar value (never an array or object) satisfies this matcher.
    func matches(scalar value: JSONValue) -> Bool {
        switch self {
        case .exact(let exact):
            return exact.matches(value)
        case .string(let test):
            guard case .string(let text) = value else { return false }
            return test.matches(text)
        case .anythingBut(let excluded):
            for candidate in excluded where candidate.matches(value) { return false }
            return true
        case .anythingButString(let tests):
            guard case .string(let text) = value else { return false }
            for test in tests where test.matches(text) { return false }
            return true
        case .numeric(let bounds):
            guard case .number(let literal) = value, let number = literal.doubleValue, number.isFinite else {
                return false
            }
            for bound in bounds where !bound.holds(for: number) { return false }
            return true
        case .exists(let expected):
            return expected
        case .cidr(let block):
            guard case .string(let text) = value else { return false }
            return block.contains(text)
        }
    }
}
