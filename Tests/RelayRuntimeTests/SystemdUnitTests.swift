import Foundation
import GRDB
import RelayTesting
import Testing

/// `deploy/ccrelay.service` as systemd reads it.
@Suite("systemd unit")
struct SystemdUnitTests {
    static let unitPath = "deploy/ccrelay.service"

    @Test("the unit runs as a dynamic user with its state directory, secrets as credentials, no restart on exit 2")
    func keys() throws {
        let service = try #require(DeployFiles.unitSections(try DeployFiles.text(Self.unitPath))["Service"])
        #expect(service["DynamicUser"] == ["yes"])
        #expect(service["StateDirectory"] == ["ccrelay"])
        #expect(service["WorkingDirectory"] == ["/var/lib/ccrelay"])
        #expect(service["Restart"] == ["on-failure"])
        // Exit 2 (invalid configuration, unresolvable secret) must not restart forever.
        let prevented = (service["RestartPreventExitStatus"] ?? []).flatMap { $0.split(separator: " ") }
        #expect(prevented.contains("2"))
        // The dynamic user reads no root-only file itself: systemd hands over the env file and secrets.
        #expect(service["LoadCredential"] == ["secrets:/etc/ccrelay/secrets"])
        #expect(service["EnvironmentFile"] == ["-/etc/ccrelay/env"])
        // The exit status that RestartPreventExitStatus sees is the main process's: `run` validates.
        #expect(service["ExecStartPre"] == nil)
        let start = try #require(service["ExecStart"]?.first)
        #expect(start.hasPrefix("/usr/local/bin/ccrelay run --config /etc/ccrelay/ccrelay.yaml"))
    }

    @Test(
        "systemd-analyze verify accepts the unit",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func verify() async throws {
        try await withScratchDirectory("unit") { path in
            let directory = URL(fileURLWithPath: path)
            // verify checks that ExecStart's binary exists: point it at the built one.
            let unit = try DeployFiles.text(Self.unitPath).replacingOccurrences(
                of: "/usr/local/bin/ccrelay", with: CommandLineTests.binary.path)
            let file = directory.appendingPathComponent("ccrelay.service")
            try unit.write(to: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
            process.arguments = ["verify", "--man=no", file.path]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = errors
            try process.run()
            let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(output)")
            // Unknown keys and bad values are reported without failing the exit status.
            let complaints = output.split(separator: "\n").filter { $0.contains("ccrelay.service") }
            #expect(complaints.isEmpty, "\(output)")
        }
    }

    @Test("ccrelay run exits 2, the status the unit does not restart, on an invalid config or a missing secret file")
    func runExitsTwoOnBadConfiguration() async throws {
        try await withScratchDirectory("unit-config") { path in
            let cases = [
                "sources:\n  g: {type: genesys_audit, client_id: a}\n",
                """
                state: {sqlite: {path: \(path)/state.sqlite}}
                sources:
                  g: {type: genesys_audit, client_id: x, client_secret: "${file:\(path)/missing-secret}"}
                sinks:
                  s: {type: stdout}
                """,
            ]
            for (index, text) in cases.enumerated() {
                let file = "\(path)/ccrelay-\(index).yaml"
                try text.write(toFile: file, atomically: true, encoding: .utf8)
                let result = try CommandLineTests.runToEnd(["run", "--config", file, "--log-level", "critical"])
                #expect(result.status == 2, "case \(index): \(result.errors)")
            }
        }
    }

    @Test("ccrelay run and once exit 2 on a state database a newer ccrelay migrated, instead of restarting forever")
    func exitTwoOnNewerStateDatabase() async throws {
        try await withScratchDirectory("unit-state") { path in
            let file = "\(path)/ccrelay.yaml"
            try """
            allow_inline_secrets: true
            state: {sqlite: {path: \(path)/state.sqlite}}
            server: {listen: "127.0.0.1:0", admin_listen: "127.0.0.1:0"}
            sources:
              firehose: {type: firehose, access_keys: [unit-test-access-key-0123]}
            sinks:
              s: {type: stdout}
            """.write(toFile: file, atomically: true, encoding: .utf8)
            // A database one migration ahead of this binary, as a newer release leaves it.
            _ = try CommandLineTests.runToEnd(["once", "--config", file, "--log-level", "critical"])
            let database = try DatabaseQueue(path: "\(path)/state.sqlite")
            try await database.write {
                try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999_future')")
            }
            for command in ["run", "once"] {
                let result = try CommandLineTests.runToEnd([command, "--config", file, "--log-level", "critical"])
                #expect(result.status == 2, "\(command): \(result.errors)")
                #expect(result.errors.contains("state.schema_newer"))
            }
        }
    }
}
