import Crypto

/// One field to redact and how.
///
/// Paths name a place in a normalized ``Event``, in any ASCII case:
/// * a common field: `actor_id`, `actor_name`, `target_id`, `target_type`, `old_value`, `new_value`
///   (the required fields `event_id`, `timestamp`, `platform`, `source_kind`, `event_type` cannot be redacted);
/// * `attributes.<key>`: every attribute whose dotted key is `<key>` in any ASCII case, duplicates
///   included, and, inside an attribute kept as an object or array, every value at the rest of the
///   path (`attributes.calls.ani` reaches `{"calls": [{"ANI": …}]}`);
/// * `raw.<path>`: a place in the original record only.
///
/// A dotted path covers every spelling that flattens to it: `attributes.participant.dnis` covers a
/// literal `"participant.dnis"` key, the nested `{"participant": {"dnis": …}}` and mixes of both,
/// so a decoy under one spelling cannot shield the value under another.
///
/// A common-field or attribute rule also covers the copies the event carries (see
/// ``FieldSources``): attributes a normalizer repeats the field in, and, when the event keeps its
/// `raw` record, the places in it the field was read from. Paths that name nothing are ignored.
public struct RedactionRule: Sendable, Equatable {
    /// What happens to the value.
    public enum Action: String, Sendable, Equatable {
        /// Replaced by `hmac-sha256:<64 hex>`: keyed, so equal values correlate across events
        /// without the value being recoverable or guessable without the key.
        case hash
        /// Removed from the event.
        case drop
    }

    /// The field's path (see the type's documentation).
    public var path: String
    /// What to do with it.
    public var action: Action

    /// Creates a rule for `path`.
    public init(path: String, action: Action) {
        self.path = path
        self.action = action
    }

    /// The common fields a rule may name, in encoding order.
    public static let redactableCommonFields = [
        "actor_id", "actor_name", "target_id", "target_type", "old_value", "new_value",
    ]
}

/// Applies redaction rules to events before any sink sees them. Hashing uses HMAC-SHA256 under a
/// secret key, so the same caller number yields the same token in every event (searchable,
/// correlatable) while the number itself never leaves the process.
public struct Redactor: Sendable {
    /// Prefix of every hashed value.
    public static let hashPrefix = "hmac-sha256:"

    private let rules: [CompiledRule]
    private let key: RedactionKey

    /// Compiles `rules`; `key` is the secret HMAC key (use at least 32 random bytes; it is never logged).
    public init(rules: [RedactionRule], key: [UInt8]) {
        self.rules = rules.compactMap(CompiledRule.init)
        self.key = RedactionKey(bytes: key)
    }

    /// Compiles `rules`; `key` is the secret HMAC key as a credential whose current value is used
    /// (a rotated key changes every pseudonym from then on; the key is prepared once per value).
    public init(rules: [RedactionRule], key: Credential) {
        self.rules = rules.compactMap(CompiledRule.init)
        self.key = RedactionKey(key)
    }

    /// Whether this redactor has nothing to do.
    public var isEmpty: Bool { rules.isEmpty }

    /// Redacts `event` in place. Allocates nothing for a rule that matches nothing.
    public func apply(to event: inout Event) {
        let sources = event.fieldSources ?? .sameShape
        for rule in rules {
            switch rule.target {
            case .common(let field):
                if let value = event[keyPath: field] {
                    event[keyPath: field] = rule.action == .drop ? nil : pseudonym(for: value)
                }
            case .attribute(let pattern, _):
                redact(&event.attributes, pattern: pattern, from: 0, action: rule.action)
            case .rawOnly:
                break
            }
            if !sources.copies.isEmpty, let copies = sources.copies[rule.path] {
                for pattern in copies { redact(&event.attributes, pattern: pattern, from: 0, action: rule.action) }
            }
            guard var raw = event.raw else { continue }
            event.raw = nil
            redactRaw(&raw, rule: rule, sources: sources)
            event.raw = raw
        }
    }

    /// Redacts a record that never became an event (an intake dead letter), in place. Its shape is
    /// unknown, so each rule's key is looked for at any depth: `attributes.ani` (and `raw.ani`)
    /// reach every `ani` member in any case, with or without `_`/`-` separators, and a common
    /// field's rule its snake_case name (`actor_id` also matches `actorId`).
    public func apply(toUnnormalized record: inout JSONValue) {
        for rule in rules {
            if let pattern = rule.anywhere { redactAtAnyDepth(&record, pattern: pattern, action: rule.action) }
        }
    }

    private func redactAtAnyDepth(_ value: inout JSONValue, pattern: KeyPattern, action: RedactionRule.Action) {
        switch value {
        case .object(var object):
            value = .null
            redact(&object, pattern: pattern, from: 0, action: action)
            for index in object.members.indices {
                redactAtAnyDepth(&object.members[index].value, pattern: pattern, action: action)
            }
            value = .object(object)
        case .array(var elements):
            value = .null
            for index in elements.indices { redactAtAnyDepth(&elements[index], pattern: pattern, action: action) }
            value = .array(elements)
        default:
            return
        }
    }

    /// The token `hash` produces for a string value: `hmac-sha256:` and 64 lowercase hex digits.
    /// Operators can compute it for a known value to search the SIEM for it. A value that already
    /// looks like a token is hashed like any other: a sender cannot forge a pseudonym.
    public func pseudonym(for value: String) -> String {
        pseudonym(forBytes: Array(value.utf8))
    }

    private func pseudonym(forBytes bytes: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: bytes, using: key.current)
        let hex = Array("0123456789abcdef".utf8)
        var out = Array(Self.hashPrefix.utf8)
        out.reserveCapacity(out.count + 64)
        for byte in code {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A hashed JSON value: strings hash their text, other values their compact JSON; `null` stays.
    private func hashed(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null: .null
        case .string(let text): .string(pseudonym(for: text))
        default: .string(pseudonym(forBytes: JSONWriter.encode(value)))
        }
    }

    /// The rule at the places in `raw` that feed what it names.
    private func redactRaw(_ raw: inout JSONValue, rule: CompiledRule, sources: FieldSources) {
        switch rule.target {
        case .rawOnly:
            if let pattern = rule.rawPattern { redact(&raw, pattern: pattern, from: 0, action: rule.action) }
            return
        case .attribute(let pattern, let unseparated):
            if let root = sources.attributeRoot {
                let rootPattern = sources.snakeCased ? unseparated : pattern
                if let rootPattern {
                    descend(&raw, path: root[...]) { redact(&$0, pattern: rootPattern, from: 0, action: rule.action) }
                }
            }
        case .common:
            break
        }
        for pattern in sources.raw[rule.path] ?? [] { redact(&raw, pattern: pattern, from: 0, action: rule.action) }
    }

    /// Runs `body` on every value at exactly `path` (each duplicate of a key included).
    private func descend(_ value: inout JSONValue, path: ArraySlice<String>, _ body: (inout JSONValue) -> Void) {
        guard let first = path.first else { return body(&value) }
        guard case .object(var object) = value, object.members.contains(where: { $0.key == first }) else { return }
        value = .null
        for index in object.members.indices where object.members[index].key == first {
            var child = object.members[index].value
            object.members[index].value = .null
            descend(&child, path: path.dropFirst(), body)
            object.members[index].value = child
        }
        value = .object(object)
    }

    private func redact(_ value: inout JSONValue, pattern: KeyPattern, from start: Int, action: RedactionRule.Action) {
        switch value {
        case .object(var object):
            value = .null
            redact(&object, pattern: pattern, from: start, action: action)
            value = .object(object)
        case .array(var elements):
            value = .null
            for index in elements.indices { redact(&elements[index], pattern: pattern, from: start, action: action) }
            value = .array(elements)
        default:
            return
        }
    }

    /// One pass over the members: matching ones hashed, marked for dropping or searched further;
    /// dropped ones removed in a second linear pass.
    private func redact(_ object: inout JSONObject, pattern: KeyPattern, from start: Int, action: RedactionRule.Action)
    {
        var drops = 0
        for index in object.members.indices {
            switch pattern.match(object.members[index].key, from: start) {
            case .none:
                continue
            case .full where action == .drop:
                drops += 1
            case .full:
                object.members[index].value = hashed(object.members[index].value)
            case .prefix(let rest):
                var child = object.members[index].value
                object.members[index].value = .null
                redact(&child, pattern: pattern, from: rest, action: action)
                object.members[index].value = child
            }
        }
        guard drops > 0 else { return }
        object.members.removeAll { member in
            if case .full = pattern.match(member.key, from: start) { return true }
            return false
        }
    }
}

/// A rule resolved once: which part of the event it names, as patterns ready to match.
private struct CompiledRule: Sendable {
    enum Target: Sendable {
        case common(WritableKeyPath<Event, String?> & Sendable)
        /// The attribute key, and the same without separators (for raw keys renamed to snake_case).
        case attribute(KeyPattern, unseparated: KeyPattern?)
        case rawOnly
    }

    let action: RedactionRule.Action
    let target: Target
    /// The rule's path in lowercase: the key of ``FieldSources`` lookups.
    let path: String
    /// A `raw.` rule's pattern.
    let rawPattern: KeyPattern?
    /// The pattern looked for at any depth of a record that never normalized: the rule's key
    /// without separators (which also matches it as written).
    let anywhere: KeyPattern?

    init?(_ rule: RedactionRule) {
        action = rule.action
        path = String(decoding: rule.path.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
        if let field = Self.commonFields[path] {
            target = .common(field)
            rawPattern = nil
        } else if path.hasPrefix("attributes."), let pattern = KeyPattern(path.dropFirst("attributes.".count)) {
            target = .attribute(
                pattern, unseparated: KeyPattern(path.dropFirst("attributes.".count), ignoringSeparators: true))
            rawPattern = nil
        } else if path.hasPrefix("raw."), let pattern = KeyPattern(path.dropFirst("raw.".count)) {
            target = .rawOnly
            rawPattern = pattern
        } else {
            return nil
        }
        let key =
            path.hasPrefix("attributes.")
            ? path.dropFirst("attributes.".count)
            : path.hasPrefix("raw.") ? path.dropFirst("raw.".count) : path[...]
        anywhere = KeyPattern(key, ignoringSeparators: true)
    }

    private static let commonFields: [String: WritableKeyPath<Event, String?> & Sendable] = [
        "actor_id": \.actorID, "actor_name": \.actorName, "target_id": \.targetID,
        "target_type": \.targetType, "old_value": \.oldValue, "new_value": \.newValue,
    ]
}
