import Foundation
import RelayObservability
import RelayTesting
import Testing

/// `ccrelay --version` and the build info behind it.
@Suite("Version")
struct VersionTests {
    @Test("ccrelay --version prints the version and commit and exits 0")
    func versionFlag() throws {
        let result = try CommandLineTests.runToEnd(["--version"])
        #expect(result.status == 0)
        #expect(result.output == "ccrelay \(BuildInfo.version) (commit \(BuildInfo.commit))\n")
    }

    @Test("the version is 0.1.0 and the commit is a hex commit id or unknown")
    func buildInfoShape() {
        #expect(BuildInfo.version == "0.1.0")
        let commit = BuildInfo.commit.replacingOccurrences(of: "-dirty", with: "")
        let isHex = (7...40).contains(commit.count) && commit.allSatisfy { "0123456789abcdef".contains($0) }
        #expect(commit == "unknown" || isHex, "commit \(BuildInfo.commit)")
    }

    @Test("scripts/stamp-commit rewrites the commit the build embeds, and refuses what is not a commit")
    func stampCommit() async throws {
        try await withScratchDirectory("stamp") { path in
            let files = FileManager.default
            for file in ["scripts/stamp-commit", "Sources/RelayObservability/BuildCommit.swift"] {
                let target = URL(fileURLWithPath: path).appendingPathComponent(file)
                try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try files.copyItem(at: DeployFiles.root.appendingPathComponent(file), to: target)
            }
            let script = path + "/scripts/stamp-commit"
            let stamped = path + "/Sources/RelayObservability/BuildCommit.swift"
            #expect(try Self.run(script, ["0123456789abcdef0123456789abcdef01234567"]) == 0)
            #expect(
                try String(contentsOfFile: stamped, encoding: .utf8).contains(
                    #"static let value = "0123456789abcdef0123456789abcdef01234567""#))
            #expect(try Self.run(script, ["main; rm -rf /"]) == 2)
            #expect(try Self.run(script, ["--reset"]) == 0)
            #expect(try String(contentsOfFile: stamped, encoding: .utf8).contains(#"static let value = "unknown""#))
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
