import RelayCore

/// The fields a pattern object is matched against: a JSON object, or an ``Event`` read field by field.
protocol PatternFields {
    /// The value of the field named `key`, `nil` when absent.
    func patternField(_ key: String) -> JSONValue?
}

extension JSONObject: PatternFields {
    func patternField(_ key: String) -> JSONValue? { self[key] }
}

/// A compiled pattern object: every field must match, and for each `$or` group one alternative must.
struct ObjectMatcher: Sendable {
    var fields: [FieldMatcher] = []
    var alternatives: [[ObjectMatcher]] = []

    /// Matches against an event object, or `nil` when the object is absent (every leaf counts as absent).
    func matches<Fields: PatternFields>(_ object: Fields?) -> Bool {
        for field in fields where !field.matches(in: object) { return false }
        for group in alternatives {
            var any = false
            for alternative in group where alternative.matches(object) {
                any = true
                break
            }
            if !any { return false }
        }
        return true
    }

    /// Matches the value found under a nested pattern's field. An array matches when one of its
    /// objects matches as a whole (fields are never combined across elements); an array without
    /// objects, a scalar or a missing value is an absent object.
    func matches(value: JSONValue?) -> Bool {
        switch value {
        case .object(let object):
            return matches(object)
        case .array(let elements):
            var sawObject = false
            if matchesElement(of: elements, sawObject: &sawObject) { return true }
            return sawObject ? false : matches(JSONObject?.none)
        default:
            return matches(JSONObject?.none)
        }
    }

    private func matchesElement(of elements: [JSONValue], sawObject: inout Bool) -> Bool {
        for element in elements {
            switch element {
            case .object(let object):
                sawObject = true
                if matches(object) { return true }
            case .array(let inner):
                if matchesElement(of: inner, sawObject: &sawObject) { return true }
            default:
                continue
            }
        }
        return false
    }
}

/// One field of a pattern object.
struct FieldMatcher: Sendable {
    enum Body: Sendable {
        case nested(ObjectMatcher)
        case values(ValueList)
    }

    let key: String
    let body: Body

    func matches<Fields: PatternFields>(in object: Fields?) -> Bool {
        let value = object?.patternField(key)
        switch body {
        case .nested(let matcher): return matcher.matches(value: value)
        case .values(let list): return list.matches(value)
        }
    }
}

/// A leaf field's value list: matches when any element matches any of the event's values.
struct ValueList: Sendable {
    let matchers: [ValueMatcher]
    /// Whether the list holds `{"exists": false}`, the only way an absent field matches.
    let matchesAbsence: Bool

    init(matchers: [ValueMatcher]) {
        self.matchers = matchers
        self.matchesAbsence = matchers.contains(.exists(false))
    }

    /// A missing field, an object (not a leaf) and an array without scalars are absent; a scalar
    /// is tested directly; an array matches when any of its scalars (at any depth) matches.
    func matches(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .object:
            return matchesAbsence
        case .array(let elements):
            var sawScalar = false
            if matchesElement(of: elements, sawScalar: &sawScalar) { return true }
            return sawScalar ? false : matchesAbsence
        case .some(let scalar):
            return matches(scalar: scalar)
        }
    }

    private func matches(scalar: JSONValue) -> Bool {
        for matcher in matchers where matcher.matches(scalar: scalar) { return true }
        return false
    }

    private func matchesElement(of elements: [JSONValue], sawScalar: inout Bool) -> Bool {
        for element in elements {
            switch element {
            case .object:
                continue
            case .array(let inner):
                if matchesElement(of: inner, sawScalar: &sawScalar) { return true }
            default:
                sawScalar = true
                if matches(scalar: element) { return true }
            }
        }
        return false
    }
}
