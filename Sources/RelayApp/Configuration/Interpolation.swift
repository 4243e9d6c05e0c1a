#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves `${VAR}`, `${env:VAR}` and `${file:PATH}` references in configuration strings, so
/// secrets stay out of the YAML. `$$` writes a literal `$`. A file's trailing newline is trimmed
/// (Kubernetes and Docker secret mounts end with one).
public struct Interpolation: Sendable {
    /// Looks up an environment variable.
    public var environment: @Sendable (String) -> String?
    /// Reads a file's contents as text, or `nil` when it cannot be read.
    public var readFile: @Sendable (String) -> String?

    public init(
        environment: @escaping @Sendable (String) -> String? = Interpolation.processEnvironment,
        readFile: @escaping @Sendable (String) -> String? = Interpolation.readFileContents
    ) {
        self.environment = environment
        self.readFile = readFile
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

    /// Why a reference could not be resolved; names the reference, never a value.
    public struct Failure: Error, Sendable, Equatable {
        public let message: String
    }

    /// The text with every reference replaced; whether any reference was used.
    public func resolve(_ text: String) -> Result<(value: String, usedReference: Bool), Failure> {
        guard text.contains("$") else { return .success((text, false)) }
        var output = ""
        var used = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            if next < text.endIndex, text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            guard next < text.endIndex, text[next] == "{" else {
                output.append(character)
                index = next
                continue
            }
            guard let close = text[next...].firstIndex(of: "}") else {
                return .failure(Failure(message: "unterminated reference \"\(text[index...])\" (missing '}')"))
            }
            let reference = String(text[text.index(after: next)..<close])
            switch lookUp(reference) {
            case .success(let value): output += value
            case .failure(let failure): return .failure(failure)
            }
            used = true
            index = text.index(after: close)
        }
        return .success((output, used))
    }

    private func lookUp(_ reference: String) -> Result<String, Failure> {
        if reference.hasPrefix("file:") {
            let path = String(reference.dropFirst(5))
            guard !path.isEmpty else { return .failure(Failure(message: "reference ${file:} names no file")) }
            guard var contents = readFile(path) else {
                return .failure(Failure(message: "file \"\(path)\" in ${file:\(path)} cannot be read"))
            }
            while contents.hasSuffix("\n") || contents.hasSuffix("\r") { contents.removeLast() }
            return .success(contents)
        }
        let name = reference.hasPrefix("env:") ? String(reference.dropFirst(4)) : reference
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return .failure(Failure(message: "\"${\(reference)}\" is not a valid reference (use ${NAME}, ${env:NAME} or ${file:PATH})"))
        }
        guard let value = environment(name) else {
            return .failure(Failure(message: "environment variable \(name) is not set (referenced as ${\(reference)})"))
        }
        return .success(value)
    }
}
