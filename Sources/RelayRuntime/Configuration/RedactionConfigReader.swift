import RelayConfig
import RelayCore

/// Reads the top-level `redaction:` section:
///
/// ```yaml
/// redaction:
///   key: ${REDACTION_KEY}          # HMAC key (a secret); required when any field is hashed
///   fields:
///     attributes.ani: hash         # keyed HMAC-SHA256: the same caller correlates, the number never leaves
///     attributes.dnis: hash
///     attributes.addressFrom: drop
/// ```
enum RedactionConfigReader {
    /// Shortest HMAC key accepted: a short key would let anyone with the data guess it and reverse pseudonyms.
    static let minimumKeyBytes = 16

    static func read(_ node: ConfigNode) -> Redactor? {
        guard node.mapping() != nil else { return nil }
        node.rejectUnknownKeys(allowed: ["key", "fields"])
        var rules: [RedactionRule] = []
        if let fields = node.optional("fields"), let members = fields.mapping() {
            for (path, actionNode) in members {
                guard let text = actionNode.stringValue() else { continue }
                guard let action = RedactionRule.Action(rawValue: text) else {
                    actionNode.problem("expected hash or drop, found \"\(actionNode.writtenText)\"")
                    continue
                }
                rules.append(RedactionRule(path: path, action: action))
            }
        } else if node.optional("fields") == nil {
            node.problem("missing required key \"fields\" (paths to hash or drop)", at: "\(node.path).fields")
        }
        let hashes = rules.contains(where: { $0.action == .hash })
        // A credential: ${env:}, ${file:} or ${aws-secretsmanager:}; a literal needs allow_inline_secrets.
        let key = node.credential("key", required: false, minimumBytes: minimumKeyBytes)
        if hashes, node.optional("key") == nil {
            node.problem(
                "hashing needs a key of at least \(minimumKeyBytes) bytes, from a reference such as ${REDACTION_KEY}",
                at: "\(node.path).key")
        }
        return Redactor(rules: rules, key: key ?? Credential(""))
    }
}
