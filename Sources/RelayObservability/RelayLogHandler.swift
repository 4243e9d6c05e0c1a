import Logging
import RelayCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How log lines look: `human` (one readable line) or `json` (one JSON object per line:
/// `timestamp`, `level`, `label`, `message`, `metadata`).
public enum LogFormat: String, Sendable, CaseIterable {
    case human
    case json

    /// The default for a process whose logs go to `descriptor`: human on a terminal, JSON otherwise
    /// (a container runtime, journald or a log shipper reading a pipe).
    public static func automatic(for descriptor: Int32 = STDERR_FILENO) -> LogFormat {
        isatty(descriptor) == 1 ? .human : .json
    }
}

/// ccrelay's log handler: writes each line whole and unbuffered through `write` (standard error by
/// default), in the chosen ``LogFormat``. Metadata whose key names a secret (`secret`, `password`,
/// `token`, `authorization`, `api_key`, `access_key`) is written as `[redacted]`: messages and
/// metadata must carry no secrets in the first place; this is the net under that rule.
public struct RelayLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: LogFormat
    private let clock: any WallClock
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - clock: stamps each line. Default the system clock.
    ///   - write: receives each complete line (with its newline). Default: standard error.
    public init(
        label: String, format: LogFormat, level: Logger.Level = .info, clock: any WallClock = SystemClock(),
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = RelayLogHandler.writeToStandardError
    ) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.clock = clock
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let timestamp = clock.now.timestamp.iso8601
        switch format {
        case .json:
            write(
                Self.jsonLine(
                    timestamp: timestamp, level: event.level, label: label, message: "\(event.message)",
                    metadata: merged))
        case .human:
            write(
                Self.humanLine(
                    timestamp: timestamp, level: event.level, label: label, message: "\(event.message)",
                    metadata: merged))
        }
    }

    static func jsonLine(
        timestamp: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var object = JSONObject()
        object.append(key: "timestamp", value: .string(timestamp))
        object.append(key: "level", value: .string(level.rawValue))
        object.append(key: "label", value: .string(label))
        object.append(key: "message", value: .string(message))
        if !metadata.isEmpty {
            var fields = JSONObject()
            for key in metadata.keys.sorted() {
                fields.append(key: key, value: json(redacting: key, metadata[key] ?? ""))
            }
            object.append(key: "metadata", value: .object(fields))
        }
        return JSONWriter.string(.object(object)) + "\n"
    }

    static func humanLine(
        timestamp: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var line = "\(timestamp) \(level.rawValue.uppercased()) \(label): \(message)"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(text(redacting: key, metadata[key] ?? ""))"
        }
        return line + "\n"
    }

    /// True when a metadata key names a secret.
    static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["secret", "password", "token", "authorization", "api_key", "apikey", "access_key"].contains {
            lowered.contains($0)
        }
    }

    private static func json(redacting key: String, _ value: Logger.MetadataValue) -> JSONValue {
        if isSecretKey(key) { return .string("[redacted]") }
        return json(value)
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary):
            .object(
                JSONObject(
                    dictionary.keys.sorted().map { .init(key: $0, value: json(redacting: $0, dictionary[$0] ?? "")) }))
        }
    }

    private static func text(redacting key: String, _ value: Logger.MetadataValue) -> String {
        isSecretKey(key) ? "[redacted]" : "\(value)"
    }

    /// Writes a line to standard error in as few `write` calls as it takes.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        writeAll(Array(line.utf8), to: STDERR_FILENO)
    }
}

private func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        offset += written
    }
}
