import Foundation
import RelayCore
import RelaySinks
import RelayTesting
import Testing

@Suite("FileSink file modes")
struct FileSinkModeTests {
    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("the file written to and the rotated gzip file are created 0600 by default, whatever the umask allows")
    func privateByDefault() async throws {
        try await withScratchDirectory("file-mode") { (directory: String) async throws in
            let path = directory + "/events.ndjson"
            let entries = (0..<6).map { Fixtures.entry($0) }
            let sink = FileSink(
                configuration: FileSinkConfiguration(
                    name: "file", path: path, maxBytes: (entries[0].payload.count + 1) * 4),
                clock: ManualClock(), logger: TimedFixtures.logger)
            #expect(await sink.deliver(Array(entries[0..<3])) == .delivered)
            #expect(await sink.deliver(Array(entries[3..<6])) == .delivered)
            let rotated = try #require(
                try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".gz") })
            #expect(try Self.mode(path) == 0o600)
            #expect(try Self.mode(directory + "/" + rotated) == 0o600)
        }
    }

    @Test("file_mode sets the mode exactly; an uncompressed rotated file keeps it")
    func configuredMode() async throws {
        try await withScratchDirectory("file-mode") { (directory: String) async throws in
            let path = directory + "/events.ndjson"
            let clock = ManualClock()
            let sink = FileSink(
                configuration: FileSinkConfiguration(
                    name: "file", path: path, maxAge: .seconds(60), compressRotated: false, fileMode: 0o640),
                clock: clock, logger: TimedFixtures.logger)
            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            clock.advance(by: .seconds(60))
            #expect(await sink.deliver([Fixtures.entry(2)]) == .delivered)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
                #expect(try Self.mode(directory + "/" + name) == 0o640)
            }
        }
    }
}
