import Foundation
import RelayAlerts
import RelayConfig
import RelayObservability
import RelayOperations
import RelayRuntime
import RelayTesting
import Testing

/// The status page rendered by headless Chromium (Debian package `chromium`, installed by
/// `scripts/test`). Skipped, saying why, only when no Chromium is installed. With
/// `CCRELAY_STATUS_SCREENSHOT=PATH` the test also writes its screenshot there
/// (`docs/status-page.png` is made that way).
@Suite("Observability: status page in a browser")
struct ObservabilityBrowserTests {
    static func chromium() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    @Test("headless Chromium renders sources, sinks, charts and outbox figures")
    func rendersInChromium() async throws {
        guard let chromium = Self.chromium() else {
            try Test.cancel("chromium is not installed (Debian package `chromium`; scripts/test installs it)")
        }
        try await ObservabilityFixture.with { fixture in
            let scratch = try ScratchDirectory("chromium")
            defer { scratch.remove() }
            let profile = scratch.path
            let common = [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile)", "--window-size=1200,900",
            ]
            let dom = try await Self.run(chromium, common + ["--dump-dom", fixture.url + "/"])
            #expect(dom.contains("<h1>ccrelay</h1>"))
            for name in ["genesys", "splunk", "archive"] {
                #expect(dom.contains(">\(name)</b>"), "component \(name) missing from the rendered page")
            }
            #expect(dom.components(separatedBy: "<svg class=\"chart\"").count - 1 == 3)
            #expect(dom.contains(#"<td class="num outbox-depth">0</td>"#))
            #expect(dom.contains(#"<td class="num outbox-depth">\#(ObservabilityFixture.generated)</td>"#))
            #expect(dom.contains("halted on credential"))

            let screenshot =
                ProcessInfo.processInfo.environment["CCRELAY_STATUS_SCREENSHOT"]
                ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                    "ccrelay-status-\(UUID().uuidString).png"
                ).path
            _ = try await Self.run(
                chromium, common + ["--hide-scrollbars", "--screenshot=\(screenshot)", fixture.url + "/"])
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(png.count > 10_000)
            if ProcessInfo.processInfo.environment["CCRELAY_STATUS_SCREENSHOT"] == nil {
                try? FileManager.default.removeItem(atPath: screenshot)
            }
        }
    }

    /// Runs a process to its end off the cooperative pool; returns its standard output. The output
    /// goes to a file read once the process has exited, so no chunk can be lost or reordered.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ccrelay-chromium-\(UUID().uuidString).out")
        guard FileManager.default.createFile(atPath: outputPath.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: outputPath.path])
        }
        defer { try? FileManager.default.removeItem(at: outputPath) }
        let output = try FileHandle(forWritingTo: outputPath)
        defer { try? output.close() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else { throw ChromiumFailed(status: status) }
        return String(decoding: try Data(contentsOf: outputPath), as: UTF8.self)
    }

    struct ChromiumFailed: Error {
        var status: Int32
    }
}
