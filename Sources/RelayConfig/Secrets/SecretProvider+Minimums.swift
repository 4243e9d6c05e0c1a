/// One key whose credential must be at least `minimumBytes` long.
struct MinimumLength: Sendable {
    var path: String
    var template: SecretTemplate
    var minimumBytes: Int
}

extension SecretProvider {
    /// The refusal of a value shorter than `bytes` (never shows the value).
    public static func tooShort(_ bytes: Int) -> String {
        "must be at least \(bytes) bytes (a random key: `openssl rand -hex 32`)"
    }

    /// Records that the key at `path` needs at least `minimumBytes`: checked when a Secrets Manager
    /// value is fetched (a refusal at start; at run time the last good value stays in use).
    func require(_ template: SecretTemplate, minimumBytes: Int, at path: String) {
        state.withLock { $0.minimums.append(MinimumLength(path: path, template: template, minimumBytes: minimumBytes)) }
    }

    /// The keys that would be too short if `reference` read `value`.
    func shortValues(if reference: SecretReference, reads value: String) -> [MinimumLength] {
        let minimums = state.withLock { $0.minimums }
        return minimums.filter { minimum in
            guard minimum.template.references.contains(reference) else { return false }
            let rendered = minimum.template.render { $0 == reference ? value : self.value(of: $0) }
            // Another reference not read yet: checked when that one is.
            guard let rendered else { return false }
            return rendered.utf8.count < minimum.minimumBytes
        }
    }
}
