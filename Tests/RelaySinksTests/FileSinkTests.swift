import Foundation
import RelayCore
import RelayHTTP
import RelaySinks
import RelayTesting
import Testing

@Suite("FileSink")
struct FileSinkTests {
    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func contents(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func payloads(_ entries: [OutboxEntry]) -> [String] {
        entries.map { String(decoding: $0.payload, as: UTF8.self) }
    }

    @Test("batches are appended as NDJSON, across sink instances")
    func appends() async throws {
        try await withScratchDirectory("file") { (directory: String) async throws in
            let path = directory + "/events.ndjson"
            let configuration = FileSinkConfiguration(name: "file", path: path)
            let first = [Fixtures.entry(1), Fixtures.entry(2)]
            #expect(
                await FileSink(configuration: configuration, clock: ManualClock(), logger: TimedFixtures.logger)
                    .deliver(first) == .delivered)
            let second = [Fixtures.entry(3)]
            #expect(
                await FileSink(configuration: configuration, clock: ManualClock(), logger: TimedFixtures.logger)
                    .deliver(second) == .delivered)
            #expect(Self.lines(try Self.contents(path)) == Self.payloads(first + second))
        }
    }

    @Test("the file is rotated before it would exceed max_bytes; the rotated file is gzip-compressed")
    func rotatesBySize() async throws {
        try await withScratchDirectory("file") { (directory: String) async throws in
            let path = directory + "/events.ndjson"
            let entries = (0..<6).map { Fixtures.entry($0) }
            let lineBytes = entries[0].payload.count + 1
            let sink = FileSink(
                configuration: FileSinkConfiguration(name: "file", path: path, maxBytes: lineBytes * 4),
                clock: ManualClock(),
                logger: TimedFixtures.logger)
            #expect(await sink.deliver(Array(entries[0..<3])) == .delivered)
            #expect(await sink.deliver(Array(entries[3..<6])) == .delivered)
            let rotated = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".gz") }
            try #require(rotated.count == 1)
            #expect(rotated[0].hasPrefix("events.ndjson.2026"))
            let inflated = try Gzip.decompress(try Self.contents(directory + "/" + rotated[0]), maxBytes: 1 << 20)
            #expect(Self.lines(inflated) == Self.payloads(Array(entries[0..<3])))
            #expect(Self.lines(try Self.contents(path)) == Self.payloads(Array(entries[3..<6])))
        }
    }

    @Test("the file is rotated once it is max_age old on the injected clock; without compression it keeps its name")
    func rotatesByAge() async throws {
        try await withScratchDirectory("file") { (directory: String) async throws in
            let path = directory + "/events.ndjson"
            let clock = ManualClock()
            let sink = FileSink(
                configuration: FileSinkConfiguration(
                    name: "file", path: path, maxAge: .seconds(3600), compressRotated: false),
                clock: clock, logger: TimedFixtures.logger)
            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            clock.advance(by: .seconds(3599))
            #expect(await sink.deliver([Fixtures.entry(2)]) == .delivered)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
            clock.advance(by: .seconds(1))
            #expect(await sink.deliver([Fixtures.entry(3)]) == .delivered)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(names == ["events.ndjson", "events.ndjson.20260101T010000.000Z"])
            #expect(
                Self.lines(try Self.contents(directory + "/" + names[1]))
                    == Self.payloads([Fixtures.entry(1), Fixtures.entry(2)]))
            #expect(Self.lines(try Self.contents(path)) == Self.payloads([Fixtures.entry(3)]))
        }
    }

    @Test("the missing folder is created 0700 at start, and again when it was removed since")
    func createsFolder() async throws {
        try await withScratchDirectory("file") { (directory: String) async throws in
            let path = directory + "/missing/nested/events.ndjson"
            let sink = FileSink(
                configuration: FileSinkConfiguration(name: "file", path: path), clock: ManualClock(),
                logger: TimedFixtures.logger)
            try sink.createDirectory()
            #expect(try FileSinkModeTests.mode(directory + "/missing") == 0o700)
            #expect(try FileSinkModeTests.mode(directory + "/missing/nested") == 0o700)
            try FileManager.default.removeItem(atPath: directory + "/missing")
            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            #expect(Self.lines(try Self.contents(path)) == Self.payloads([Fixtures.entry(1)]))
        }
    }

    @Test("a local write failure is an outage (no attempt used up), names the path, and ends when it is fixed")
    func failureThenSuccess() async throws {
        try await withScratchDirectory("file") { (directory: String) async throws in
            // A regular file where the folder should be: neither the folder nor the file can be made.
            let blocker = directory + "/blocked"
            #expect(FileManager.default.createFile(atPath: blocker, contents: Data()))
            let path = blocker + "/events.ndjson"
            let sink = FileSink(
                configuration: FileSinkConfiguration(name: "file", path: path), clock: ManualClock(),
                logger: TimedFixtures.logger)
            #expect(throws: RelayError.self) { try sink.createDirectory() }
            let outcome = await sink.deliver([Fixtures.entry(1)])
            #expect(Fate(outcome) == .unavailable(retryAfter: nil))
            #expect(outcome.reason.contains(blocker))
            try FileManager.default.removeItem(atPath: blocker)
            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            #expect(Self.lines(try Self.contents(path)) == Self.payloads([Fixtures.entry(1)]))
        }
    }
}
