/// Where a normalized event's fields came from, so that a redaction rule on a field also covers
/// every copy of its value the event carries: the places in ``Event/raw`` it was read from, and
/// attributes that repeat it (a normalizer's fallback copy). A normalizer attaches one shared
/// constant to each event; it is never encoded.
///
/// Paths are dotted, matched like rule paths (any ASCII case, literal dotted keys and nested
/// objects alike, through arrays). Keys of ``raw`` and ``copies`` are rule paths in lowercase:
/// a common field (`actor_name`) or `attributes.<key>`.
///
/// Sources are provenance, not content: two events compare equal whatever sources they carry.
public struct FieldSources: Sendable, Equatable {
    /// Components of the path in `raw` to the object whose members became the attributes
    /// (flattened to dotted keys); empty for `raw` itself, `nil` when the attributes do not mirror it.
    let attributeRoot: [String]?
    /// Attribute keys are the raw keys in snake_case: raw keys then match ignoring `_`, `-` and spaces.
    let snakeCased: Bool
    let raw: [String: [KeyPattern]]
    let copies: [String: [KeyPattern]]

    /// - Parameters:
    ///   - attributeRoot: Dotted path in `raw` of the object the attributes flatten (`detail.eventBody`);
    ///     `""` for `raw` itself; `nil` when attributes are derived rather than copied. Default `""`.
    ///   - snakeCased: Whether attribute keys are the raw keys in snake_case. Default `false`.
    ///   - raw: Other places in `raw` that feed a field, by rule path
    ///     (`["actor_name": ["user.name"]]`). Default none.
    ///   - copies: Attribute paths that repeat a field's value, by rule path
    ///     (`["old_value": ["propertyChanges.oldValues"]]`). Default none.
    public init(
        attributeRoot: String? = "", snakeCased: Bool = false, raw: [String: [String]] = [:],
        copies: [String: [String]] = [:]
    ) {
        self.attributeRoot = attributeRoot.map { $0.isEmpty ? [] : $0.split(separator: ".").map(String.init) }
        self.snakeCased = snakeCased
        self.raw = raw.mapValues { $0.compactMap { KeyPattern($0) } }
        self.copies = copies.mapValues { $0.compactMap { KeyPattern($0) } }
    }

    private init(
        attributeRoot: [String]?, snakeCased: Bool, raw: [String: [KeyPattern]], copies: [String: [KeyPattern]]
    ) {
        self.attributeRoot = attributeRoot
        self.snakeCased = snakeCased
        self.raw = raw
        self.copies = copies
    }

    /// How an event without sources is read: `raw` is the record the attributes flatten, with keys
    /// unchanged, and a common field comes from the raw member of its own name.
    public static let sameShape = FieldSources(
        raw: Dictionary(uniqueKeysWithValues: RedactionRule.redactableCommonFields.map { ($0, [$0]) }))

    /// These sources for a record kept inside an envelope at `prefix` (`detail.eventBody`), plus
    /// `raw` paths of the envelope's own fields (relative to the envelope).
    public func nested(under prefix: String, adding envelopeFields: [String: [String]] = [:]) -> FieldSources {
        var raw = raw.mapValues { patterns in
            patterns.compactMap { KeyPattern(prefix + "." + String(decoding: $0.bytes, as: UTF8.self)) }
        }
        for (field, paths) in envelopeFields { raw[field, default: []] += paths.compactMap { KeyPattern($0) } }
        let root = prefix.split(separator: ".").map(String.init) + (attributeRoot ?? [])
        return FieldSources(
            attributeRoot: attributeRoot == nil ? nil : root, snakeCased: snakeCased, raw: raw, copies: copies)
    }

    public static func == (lhs: FieldSources, rhs: FieldSources) -> Bool { true }
}
