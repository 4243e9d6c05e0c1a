import RelayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves `${VAR}`, `${env:VAR}` and `${file:PATH}` references in configuration strings, so
/// secrets stay out of the YAML. `$$` writes a literal `$`. A file's trailing newline is trimmed
/// (Kubernetes and Docker secret mounts end with one). `${aws-secretsmanager:...}` references are
/// fetched at start-up by the ``SecretProvider`` and allowed only where a credential goes.
public struct Interpolation: Sendable {
    /// Looks up an environment variable.
    public var environment: @Sendable (String) -> String?
    /// Reads a file's contents as text, or `nil` when it cannot be read.
    public var readFile: @Sendable (String) -> String?
    /// A file's last modification time, or `nil` when it cannot be read (for `ccrelay check`).
    public var fileModified: @Sendable (String) -> Timestamp?
    /// The secrets of the configuration being loaded (set by ``ConfigLoader`` for each load).
    public var secrets: SecretProvider?
    /// Whether `${env:...}` and `${file:...}` references are read. When `false`
    /// (``withoutEnvironment()``, `ccrelay validate --no-environment`) each stands for ``placeholder``,
    /// so a file's structure can be checked where its secrets are not available. Default `true`.
    public var readsReferences = true

    /// What a reference stands for when references are not read: long enough for every minimum
    /// length. A problem found with it at a key is not reported (``ConfigDiagnostics``): the real
    /// value is unknown.
    public static let placeholder = "ccrelay-validate-placeholder"

    public init(
        environment: @escaping @Sendable (String) -> String? = Interpolation.processEnvironment,
        readFile: @escaping @Sendable (String) -> String? = Interpolation.readFileContents,
        fileModified: @escaping @Sendable (String) -> Timestamp? = Interpolation.fileModificationTime
    ) {
        self.environment = environment
        self.readFile = readFile
        self.fileModified = fileModified
    }

    /// Reads files (the configuration itself) but no reference: each environment and file reference
    /// stands for ``placeholder``; Secrets Manager references are checked for form only, as always.
    public static func withoutEnvironment() -> Interpolation {
        var interpolation = Interpolation()
        interpolation.readsReferences = false
        return interpolation
    }

    /// The process's environment.
    public static let processEnvironment: @Sendable (String) -> String? = { name in
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Reads a whole file with the C library (no Foundation dependency here).
    public static let readFileContents: @Sendable (String) -> String? = { path in
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `stat`'s modification time, to the millisecond.
    public static let fileModificationTime: @Sendable (String) -> Timestamp? = { path in
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Timestamp(millisecondsSinceEpoch: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    /// Why a reference could not be resolved; names the reference, never a value.
    public struct Failure: Error, Sendable, Equatable {
        public let message: String
    }

    /// The text with every reference replaced; whether any reference was used.
    public func resolve(_ text: String) -> Result<(value: String, usedReference: Bool), Failure> {
        guard text.contains("$") else { return .success((text, false)) }
        let template: SecretTemplate
        switch SecretTemplate.parse(text) {
        case .success(let parsed): template = parsed
        case .failure(let failure): return .failure(failure)
        }
        var output = ""
        for part in template.parts {
            switch part {
            case .literal(let literal):
                output += literal
            case .reference(let reference):
                switch read(reference) {
                case .success(let value): output += value
                case .failure(let failure): return .failure(failure)
                }
            }
        }
        return .success((output, !template.references.isEmpty))
    }

    /// Reads an environment or file reference now. Secrets Manager references are refused here:
    /// only credentials may use them (they are fetched at start-up, after the file is read).
    func read(_ reference: SecretReference) -> Result<String, Failure> {
        switch reference.kind {
        case .environment where !readsReferences, .file where !readsReferences:
            return .success(Self.placeholder)
        case .environment(let name):
            guard let value = environment(name) else {
                return .failure(
                    Failure(message: "environment variable \(name) is not set (referenced as \(reference))"))
            }
            return .success(value)
        case .file(let path):
            guard var contents = readFile(path) else {
                return .failure(Failure(message: "file \"\(path)\" in \(reference) cannot be read"))
            }
            while contents.hasSuffix("\n") || contents.hasSuffix("\r") { contents.removeLast() }
            return .success(contents)
        case .awsSecretsManager:
            return .failure(
                Failure(
                    message: "\(reference): AWS Secrets Manager references are allowed only where a credential goes "
                        + "(token, api_key, client_secret, access_key_secret, a sumo_logic url)"))
        }
    }
}
