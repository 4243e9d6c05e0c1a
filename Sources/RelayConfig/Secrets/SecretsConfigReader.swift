import RelayAWSCore
import RelayCore

/// Reads `allow_inline_secrets` and `secrets:`, and the credential keys of every component:
/// a credential is a `${...}` reference (or text around references), never a literal, unless
/// `allow_inline_secrets: true`.
public enum SecretsConfigReader {
    /// Why a literal credential is refused, and what to write instead.
    public static let inlineRefusal =
        "a credential must not be written into the configuration file: reference it instead with "
        + "${env:NAME} (or ${NAME}), ${file:/run/secrets/NAME} (a Kubernetes or Docker secret mount, re-read "
        + "when it changes) or ${aws-secretsmanager:ARN_OR_NAME#json_key} (fetched with the AWS default credential chain, "
        + "re-read on rotation); set allow_inline_secrets: true at the top level to allow literal values "
        + "(demos and tests only)"

    /// Reads the top-level keys before any component, so credential keys know the rules.
    public static func readSettings(_ root: ConfigNode) {
        guard let provider = root.interpolation.secrets else { return }
        let allowInline = root.bool("allow_inline_secrets", default: false)
        var settings = SecretsConfiguration()
        if let node = root.optional("secrets"), node.mapping() != nil {
            node.rejectUnknownKeys(allowed: ["refresh_secs", "aws"])
            settings.refreshInterval = node.seconds(
                "refresh_secs", default: settings.refreshInterval, range: 10...86_400)
            if let aws = node.optional("aws"), aws.mapping() != nil {
                aws.rejectUnknownKeys(allowed: ["region", "endpoint", "request_timeout_secs"])
                if let regionNode = aws.optional("region"), let region = regionNode.stringValue() {
                    if AWSRegion.isPlausible(region) {
                        settings.aws.region = region
                    } else {
                        regionNode.problem(
                            "expected an AWS region such as eu-west-1, found \"\(regionNode.writtenText)\"")
                    }
                }
                if let endpoint = aws.string("endpoint") {
                    DeliveryConfigReader.checkURL(endpoint, aws.optional("endpoint"))
                    settings.aws.endpoint = endpoint
                }
                settings.aws.requestTimeout = aws.seconds(
                    "request_timeout_secs", default: settings.aws.requestTimeout, range: 1...120)
            }
        }
        provider.state.withLock { state in
            state.allowInline = allowInline
            state.settings = settings
        }
    }

    /// After every component: AWS credentials and region for Secrets Manager references.
    public static func finish(_ root: ConfigNode) {
        guard let provider = root.interpolation.secrets else { return }
        let environment = root.interpolation.environment
        let settings = provider.settings.aws
        let references = provider.statuses.filter {
            if case .awsSecretsManager = $0.reference.kind { true } else { false }
        }
        guard !references.isEmpty else { return }
        var credentials: AWSCredentialSource?
        do {
            credentials = try AWSCredentialSource.defaultChain(environment)
        } catch {
            for status in references {
                for path in status.usedBy {
                    root.problem("\(status.reference) needs AWS credentials: \(error.message)", at: path)
                }
            }
        }
        let region =
            settings.region ?? AWSRegion.fromEnvironment(environment) ?? (settings.endpoint == nil ? nil : "us-east-1")
        for status in references {
            guard case .awsSecretsManager(let id, _) = status.reference.kind else { continue }
            if SecretsFetcher.region(of: id, default: region) == nil {
                for path in status.usedBy {
                    root.problem("\(status.reference) needs a region: set secrets.aws.region or AWS_REGION", at: path)
                }
            }
        }
        provider.state.withLock { state in
            state.awsCredentialSource = credentials
            state.defaultRegion = region
        }
    }
}

extension ConfigNode {
    /// The credential under `key`: references are registered with the configuration's secrets
    /// (environment and files read now); a literal is refused unless `allow_inline_secrets: true`.
    /// Reports a missing key when `required`. Problems quote the reference, never a value.
    /// - Parameter minimumBytes: the shortest value accepted (16 for keys that authenticate callers);
    ///   checked now for literals, environment and files, and at each read of a Secrets Manager secret.
    public func credential(_ key: String, required: Bool = true, minimumBytes: Int = 1) -> Credential? {
        guard let node = optional(key) else {
            if required { problem("missing required key \"\(key)\"", at: path.isEmpty ? key : "\(path).\(key)") }
            return nil
        }
        return node.credentialValue(minimumBytes: minimumBytes)
    }

    /// The list of credentials under `key` (`access_keys: [..]`; a single string is a list of one),
    /// each element read as ``credentialValue(minimumBytes:)`` with its own path (`access_keys[1]`).
    /// `nil` when the key is absent (reported when `required`), not a list, or an element is in
    /// error (each reported at its own path).
    public func credentialList(_ key: String, required: Bool = true, minimumBytes: Int = 1) -> [Credential]? {
        guard let list = optional(key) else {
            if required { problem("missing required key \"\(key)\"", at: path.isEmpty ? key : "\(path).\(key)") }
            return nil
        }
        switch list.node {
        case .sequence(let sequence):
            let credentials = sequence.enumerated().map { index, element in
                ConfigNode(
                    node: element, path: "\(list.path)[\(index)]", diagnostics: diagnostics,
                    interpolation: interpolation
                )
                .credentialValue(minimumBytes: minimumBytes)
            }
            let read = credentials.compactMap { $0 }
            return read.count == credentials.count ? read : nil
        case .scalar:
            return list.credentialValue(minimumBytes: minimumBytes).map { [$0] }
        default:
            list.problem("expected a list of strings")
            return nil
        }
    }

    /// This scalar as a credential (see ``credential(_:required:minimumBytes:)``).
    public func credentialValue(minimumBytes: Int = 1) -> Credential? {
        guard case .scalar(let scalar) = node else {
            problem("expected a string")
            return nil
        }
        let text = scalar.string
        let template: SecretTemplate
        switch SecretTemplate.parse(text) {
        case .success(let parsed): template = parsed
        case .failure(let failure):
            problem(failure.message)
            return nil
        }
        guard let provider = interpolation.secrets else {
            // Outside a configuration load (no provider): resolve once, as any other value.
            guard let value = stringValue() else { return nil }
            return checkLength(value, minimumBytes: minimumBytes) ? Credential(value) : nil
        }
        if template.references.isEmpty {
            guard provider.allowsInlineSecrets else {
                problem(SecretsConfigReader.inlineRefusal)
                return nil
            }
            let value = template.render { _ in nil } ?? ""
            if value.isEmpty {
                problem("must not be empty")
                return nil
            }
            return checkLength(value, minimumBytes: minimumBytes) ? Credential(value) : nil
        }
        let (credential, failures) = provider.register(template, written: text, at: path)
        if !interpolation.readsReferences { diagnostics.noteUnreadReference(at: path) }
        for failure in failures { problem(failure) }
        guard failures.isEmpty else { return nil }
        if minimumBytes > 1 {
            provider.require(template, minimumBytes: minimumBytes, at: path)
            // Known now (environment, files): checked now; Secrets Manager values when fetched.
            if let value = template.render({ provider.value(of: $0) }), !checkLength(value, minimumBytes: minimumBytes)
            {
                return nil
            }
        }
        return credential
    }

    /// Reports a value shorter than `minimumBytes` (the message never shows the value).
    private func checkLength(_ value: String, minimumBytes: Int) -> Bool {
        guard value.utf8.count < minimumBytes else { return true }
        problem(SecretProvider.tooShort(minimumBytes))
        return false
    }

    /// Refuses a literal in a secret key that does not rotate (S3 keys): a reference to the
    /// environment or a file is read now; a literal needs `allow_inline_secrets: true`.
    public func refuseInlineSecret(_ key: String) {
        guard let node = optional(key), case .scalar(let scalar) = node.node,
            let provider = interpolation.secrets, !provider.allowsInlineSecrets
        else { return }
        if case .success(let template) = SecretTemplate.parse(scalar.string), template.references.isEmpty {
            node.problem(SecretsConfigReader.inlineRefusal)
        }
    }
}
