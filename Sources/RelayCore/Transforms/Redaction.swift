import Crypto

/// One field to redact and how.
///
/// Paths name a place in a normalized ``Event``:
/// * a common field: `actor_id`, `actor_name`, `target_id`, `target_type`, `old_value`, `new_value`
///   (the required fields `event_id`, `timestamp`, `platform`, `source_kind`, `event_type` cannot be redacted);
/// * `attributes.<key>`: the attribute whose dotted key is exactly `<key>` (`attributes.ani`,
///   `attributes.participant.dnis`);
/// * `raw.<path>`: a place in the original record only.
///
/// When the event keeps its `raw` record, a common-field or attribute rule is also applied to the raw
/// JSON at the same dotted path (without the `attributes.` prefix): `attributes.participant.dnis`
/// redacts `{"participant": {"dnis": ...}}` (and a literal `"participant.dnis"` key), in every element
/// of any array on the way. Paths that name nothing in an event are ignored.
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
    public static let redactableCommonFields = ["actor_id", "actor_name", "target_id", "target_type", "old_value", "new_value"]
}

/// Applies redaction rules to events before any sink sees them. Hashing uses HMAC-SHA256 under a
/// secret key, so the same caller number yields the same token in every event (searchable,
/// correlatable) while the number itself never leaves the process.
public struct Redactor: Sendable {
    /// Prefix of every hashed value.
    public static let hashPrefix = "hmac-sha256:"

    private let rules: [CompiledRule]
    private let key: SymmetricKey

    /// Compiles `rules`; `key` is the secret HMAC key (use at least 32 random bytes; it is never logged).
    public init(rules: [RedactionRule], key: [UInt8]) {
        self.rules = rules.map(CompiledRule.init)
        self.key = SymmetricKey(data: key)
    }

    /// Whether this redactor has nothing to do.
    public var isEmpty: Bool { rules.isEmpty }

    /// Redacts `event` in place.
    public func apply(to event: inout Event) {
        for rule in rules {
            switch rule.target {
            case .common(let field):
                if let value = event[keyPath: field] {
                    event[keyPath: field] = rule.action == .drop ? nil : pseudonym(forText: value)
                }
            case .attribute(let name):
                redact(member: name, in: &event.attributes, action: rule.action)
            case .rawOnly:
                break
            }
            if let components = rule.rawComponents, var raw = event.raw {
                event.raw = nil
                redact(&raw, components: components[...], rule: rule)
                event.raw = raw
            }
        }
    }

    /// The token `hash` produces for a string value: `hmac-sha256:` and 64 lowercase hex digits.
    /// Operators can compute it for a known value to search the SIEM for it.
    public func pseudonym(for value: String) -> String {
        pseudonym(forBytes: Array(value.utf8))
    }

    private func pseudonym(forText value: String) -> String {
        Self.isPseudonym(value) ? value : pseudonym(for: value)
    }

    private func pseudonym(forBytes bytes: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: bytes, using: key)
        let hex = Array("0123456789abcdef".utf8)
        var out = Array(Self.hashPrefix.utf8)
        out.reserveCapacity(out.count + 64)
        for byte in code {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Already a token (the event passed through a redactor before): hashing again would break correlation.
    private static func isPseudonym(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count == hashPrefix.utf8.count + 64, value.hasPrefix(hashPrefix) else { return false }
        return utf8.dropFirst(hashPrefix.utf8.count).allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// A hashed JSON value: strings hash their text, other values their compact JSON; `null` stays.
    private func hashed(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null: .null
        case .string(let text): .string(pseudonym(forText: text))
        default: .string(pseudonym(forBytes: JSONWriter.encode(value)))
        }
    }

    private func redact(member name: String, in object: inout JSONObject, action: RedactionRule.Action) {
        guard let value = object[name] else { return }
        switch action {
        case .drop:
            while object[name] != nil { object[name] = nil }
        case .hash:
            object[name] = hashed(value)
        }
    }

    /// Walks `components` through objects (a key may itself contain dots) and through every array element.
    private func redact(_ value: inout JSONValue, components: ArraySlice<String>, rule: CompiledRule) {
        switch value {
        case .object(var object):
            value = .null
            var length = components.count
            while length >= 1 {
                let name = components.prefix(length).joined(separator: ".")
                if length == components.count {
                    redact(member: name, in: &object, action: rule.action)
                } else if var child = object[name] {
                    object[name] = .null
                    redact(&child, components: components.dropFirst(length), rule: rule)
                    object[name] = child
                }
                length -= 1
            }
            value = .object(object)
        case .array(var elements):
            value = .null
            for index in elements.indices {
                redact(&elements[index], components: components, rule: rule)
            }
            value = .array(elements)
        default:
            return
        }
    }
}

/// A rule resolved once: which part of the event it names and its path inside `raw`.
private struct CompiledRule: Sendable {
    enum Target: Sendable {
        case common(WritableKeyPath<Event, String?> & Sendable)
        case attribute(String)
        case rawOnly
    }

    let action: RedactionRule.Action
    let target: Target
    /// Dotted components inside `raw`, or `nil` when the rule never touches it.
    let rawComponents: [String]?

    init(_ rule: RedactionRule) {
        action = rule.action
        let path = rule.path
        func components(_ text: Substring) -> [String]? {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            return parts.isEmpty || parts.contains("") ? nil : parts
        }
        if let field = Self.commonFields[path] {
            target = .common(field)
            rawComponents = components(path[...])
        } else if path.hasPrefix("attributes."), path.count > "attributes.".count {
            let name = path.dropFirst("attributes.".count)
            target = .attribute(String(name))
            rawComponents = components(name)
        } else if path.hasPrefix("raw."), path.count > "raw.".count {
            target = .rawOnly
            rawComponents = components(path.dropFirst("raw.".count))
        } else {
            target = .rawOnly
            rawComponents = nil
        }
    }

    private static let commonFields: [String: WritableKeyPath<Event, String?> & Sendable] = [
        "actor_id": \.actorID, "actor_name": \.actorName, "target_id": \.targetID,
        "target_type": \.targetType, "old_value": \.oldValue, "new_value": \.newValue,
    ]
}
