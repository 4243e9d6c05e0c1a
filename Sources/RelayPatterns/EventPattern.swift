import RelayCore

/// An Amazon EventBridge event pattern, compiled once and evaluated against any number of events.
///
/// The whole language: fields AND, the values in a field's list OR, an array in the event matches
/// when any element does, nested objects; exact strings, numbers (by value: `5` = `5.0`), `true`,
/// `false`, `null` (`true` is not `1`); `prefix`, `suffix` (each also `{"equals-ignore-case": ...}`),
/// `equals-ignore-case`, `wildcard`, `anything-but` (value, list, or `{prefix|suffix|equals-ignore-case|
/// wildcard: ...}`), `numeric`, `exists`, `cidr` and `$or`.
///
/// Arrays are matched consistently: a nested pattern under a field whose value is an array of objects
/// must match within one element, never by combining fields from different elements. An object-valued
/// field counts as absent for leaf tests (so `{"exists": false}` matches it), as does an empty array.
/// `anything-but` matches only present values. Strings compare as UTF-8 bytes.
///
/// Evaluation walks the compiled tree over the event as it is; it builds no strings and, apart from
/// case-insensitive tests on non-ASCII text, allocates nothing.
public struct EventPattern: Sendable {
    private let root: ObjectMatcher

    /// Compiles a pattern (a JSON object). Throws a ``PatternError`` naming the first problem's path.
    public init(compiling pattern: JSONValue) throws(PatternError) {
        guard case .object(let object) = pattern else {
            throw PatternError(path: "", reason: "a pattern is a JSON object, not a \(pattern.kindName)")
        }
        self.root = try PatternCompiler.compileObject(object, at: PatternPath())
    }

    /// Parses and compiles pattern JSON text; a syntax error is reported with its byte offset.
    public init(parsing text: String) throws(PatternError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw PatternError(path: "", reason: error.description)
        }
        try self.init(compiling: value)
    }

    /// Whether `event` (a JSON object; anything else never matches) matches the pattern.
    public func matches(_ event: JSONValue) -> Bool {
        guard case .object(let object) = event else { return false }
        return root.matches(object)
    }

    /// Whether a normalized event matches, exactly as its ``Event/jsonValue`` would, but reading
    /// only the fields the pattern names, straight from the event.
    public func matches(_ event: Event) -> Bool {
        root.matches(EventFields(event: event))
    }
}
