import Foundation
import RelayObservability
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
}
