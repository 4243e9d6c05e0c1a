/// One `${...}` reference in a configuration value: where a secret (or any value) comes from.
/// `text` is the reference as written (`${file:/run/secrets/hec}`), safe to print: it names the
/// secret, never its value.
public struct SecretReference: Hashable, Sendable, CustomStringConvertible {
    /// Where the value is read.
    public enum Kind: Hashable, Sendable {
        /// `${NAME}` or `${env:NAME}`: an environment variable, read once at start-up.
        case environment(name: String)
        /// `${file:PATH}`: a file's contents without the trailing newline (Kubernetes and Docker
        /// secret mounts); re-read on the refresh interval and after a rejection.
        case file(path: String)
        /// `${aws-secretsmanager:ARN_OR_NAME}` or `...#json_key` for one key of a JSON secret:
        /// AWS Secrets Manager's current version; re-read on the refresh interval and after a rejection.
        case awsSecretsManager(secretID: String, jsonKey: String?)
    }

    public let kind: Kind
    /// The reference as written in the file, `${` and `}` included.
    public let text: String

    public var description: String { text }

    /// Whether the value can change while ccrelay runs (files and Secrets Manager; the environment
    /// of a running process does not).
    public var rotates: Bool {
        if case .environment = kind { return false }
        return true
    }

    /// What the operator should read in `ccrelay check`: where the value comes from.
    public var origin: String {
        switch kind {
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        case .awsSecretsManager(let id, let key):
            "AWS Secrets Manager secret \(id)" + (key.map { ", JSON key \($0)" } ?? "")
        }
    }

    /// Parses the inside of `${...}`.
    static func parse(_ inner: String) -> Result<SecretReference, Interpolation.Failure> {
        let text = "${\(inner)}"
        if inner.hasPrefix("file:") {
            let path = String(inner.dropFirst(5))
            guard !path.isEmpty else { return .failure(.init(message: "reference ${file:} names no file")) }
            return .success(SecretReference(kind: .file(path: path), text: text))
        }
        if inner.hasPrefix("aws-secretsmanager:") {
            let body = inner.dropFirst("aws-secretsmanager:".count)
            let parts = body.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let id = String(parts[0])
            let key = parts.count == 2 ? String(parts[1]) : nil
            guard !id.isEmpty, key?.isEmpty != true else {
                return .failure(
                    .init(
                        message:
                            "\"\(text)\" is not a valid reference (use ${aws-secretsmanager:ARN_OR_NAME} or ${aws-secretsmanager:ARN_OR_NAME#json_key})"
                    ))
            }
            return .success(SecretReference(kind: .awsSecretsManager(secretID: id, jsonKey: key), text: text))
        }
        let name = inner.hasPrefix("env:") ? String(inner.dropFirst(4)) : inner
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return .failure(
                .init(
                    message: "\"\(text)\" is not a valid reference (use ${NAME}, ${env:NAME}, ${file:PATH} or "
                        + "${aws-secretsmanager:ARN_OR_NAME#json_key})"))
        }
        return .success(SecretReference(kind: .environment(name: name), text: text))
    }
}

/// A configuration value cut into literal text and references: `https://x/receiver/v1/http/${file:/s}`
/// is a literal and a reference.
struct SecretTemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case reference(SecretReference)
    }

    var parts: [Part]

    /// The references, in order.
    var references: [SecretReference] {
        parts.compactMap { if case .reference(let reference) = $0 { reference } else { nil } }
    }

    /// Scans `text`: `${...}` is a reference, `$$` a literal `$`, any other `$` itself.
    static func parse(_ text: String) -> Result<SecretTemplate, Interpolation.Failure> {
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex, text[next] == "$" || text[next] == "{" else {
                literal.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                literal.append("$")
                index = text.index(after: next)
                continue
            }
            guard let close = text[next...].firstIndex(of: "}") else {
                return .failure(.init(message: "unterminated reference \"\(text[index...])\" (missing '}')"))
            }
            switch SecretReference.parse(String(text[text.index(after: next)..<close])) {
            case .success(let reference):
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(.reference(reference))
            case .failure(let failure):
                return .failure(failure)
            }
            index = text.index(after: close)
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return .success(SecretTemplate(parts: parts))
    }

    /// The text with every reference replaced by `value(reference)`; `nil` when one has no value.
    func render(_ value: (SecretReference) -> String?) -> String? {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .reference(let reference):
                guard let resolved = value(reference) else { return nil }
                out += resolved
            }
        }
        return out
    }
}
