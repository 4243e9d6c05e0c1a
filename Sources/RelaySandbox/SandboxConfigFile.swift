import RelayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ccrelay configuration for running emulators: the sandbox Genesys org pulled into the sandbox
/// Splunk HEC (and, with ``firehoseAccessKey``, a Firehose receiver the sandbox Firehose pushes to),
/// with their ports and credentials written in. `ccrelay demo` runs from it, `ccrelay sandbox
/// --write-config` writes it; it is a file a user can start from.
public struct SandboxConfigFile: Sendable, Equatable {
    /// The Genesys org emulator's base URL (token endpoint and API on one host).
    public var genesysURL: String
    /// The org's OAuth client.
    public var clientID: String
    /// The org's OAuth client secret (a sandbox value, written inline).
    public var clientSecret: String
    /// The HEC emulator's base URL.
    public var hecURL: String
    /// A token the HEC emulator accepts.
    public var hecToken: String
    /// The SQLite state file.
    public var statePath: String
    /// The access key of a `firehose` receiver at `/firehose`; `nil` (the default) writes no receiver.
    public var firehoseAccessKey: String? = nil
    /// `poll_interval_secs` of the pull source. Default 2.
    public var pollIntervalSecs: Double = 2
    /// `lookback_secs` of the pull source. Default 60.
    public var lookbackSecs = 60
    /// `initial_lookback_secs` of the pull source. Default 600.
    public var initialLookbackSecs = 600

    /// A configuration for these emulators; the other settings keep their documented defaults.
    public init(
        genesysURL: String, clientID: String, clientSecret: String, hecURL: String, hecToken: String,
        statePath: String
    ) {
        self.genesysURL = genesysURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.hecURL = hecURL
        self.hecToken = hecToken
        self.statePath = statePath
    }

    /// The YAML text.
    public var text: String {
        var lines = [
            "# ccrelay configuration for the local sandbox (written by ccrelay; its ports change each run).",
            "# The sandbox's credentials are written inline, which allow_inline_secrets permits: a real",
            "# configuration references its secrets instead (${env:NAME}, ${file:/path}; see ccrelay.example.yaml).",
            "allow_inline_secrets: true",
            "state:",
            "  sqlite:",
            "    path: \(Self.quoted(statePath))",
            "server:",
            "  listen: 127.0.0.1:0          # any free port; a fixed one (127.0.0.1:8080) to receive pushes",
            "  admin_listen: 127.0.0.1:0    # the status page; default 127.0.0.1:8081",
            "sources:",
            "  genesys:",
            "    type: genesys_audit",
            "    base_url: \(Self.quoted(genesysURL))",
            "    client_id: \(Self.quoted(clientID))",
            "    client_secret: \(Self.quoted(clientSecret))",
            "    poll_interval_secs: \(Self.number(pollIntervalSecs))",
            "    lookback_secs: \(lookbackSecs)",
            "    initial_lookback_secs: \(initialLookbackSecs)",
        ]
        if let firehoseAccessKey {
            lines += [
                "  firehose:",
                "    type: firehose             # Amazon Data Firehose HTTP endpoint at /firehose on server.listen",
                "    access_keys: [\(Self.quoted(firehoseAccessKey))]",
            ]
        }
        lines += [
            "routes:",
            "  audits: {from: [genesys], to: [splunk]}",
        ]
        if firehoseAccessKey != nil { lines.append("  push: {from: [firehose], to: [splunk]}") }
        lines += [
            "sinks:",
            "  splunk:",
            "    type: splunk_hec",
            "    endpoint: \(Self.quoted(hecURL))",
            "    token: \(Self.quoted(hecToken))",
            "    index: ccas",
            "    batch: {max_events: 500, max_bytes: 1048576, timeout_secs: 1}",
            "    ack_poll_interval_secs: 1",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes ``text`` to `path`, replacing what is there, mode `0600` (it holds sandbox credentials).
    /// - Throws: a ``RelayError`` naming the path when it cannot be written.
    public func save(to path: String) throws(RelayError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create", path) }
        defer { _ = close(descriptor) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure("cannot write", path)
            }
            offset += written
        }
    }

    /// A double-quoted YAML scalar; `$` doubled so that ccrelay reads no reference in it.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "$": out += "$$"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private static func failure(_ what: String, _ path: String) -> RelayError {
        RelayError(.configInvalid, "sandbox configuration \(what) \(path): \(String(cString: strerror(errno)))")
    }
}
