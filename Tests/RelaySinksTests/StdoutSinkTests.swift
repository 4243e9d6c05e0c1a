import RelayCore
import RelaySinks
import Synchronization
import Testing

@Suite("StdoutSink")
struct StdoutSinkTests {
    @Test("each batch is written once, as NDJSON lines of the normalized events")
    func writesLines() async throws {
        let written = Mutex<[[UInt8]]>([])
        let sink = StdoutSink(configuration: StdoutSinkConfiguration(name: "debug")) { bytes in
            written.withLock { $0.append(bytes) }
        }
        let entries = [Fixtures.entry(1), Fixtures.entry(2)]
        #expect(await sink.deliver(entries) == .delivered)
        let writes = written.withLock { $0 }
        #expect(writes.count == 1)
        let lines = String(decoding: writes[0], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.map(String.init) == entries.map { String(decoding: $0.payload, as: UTF8.self) } + [""])
    }

    @Test("a failed write is retriable")
    func failure() async {
        let sink = StdoutSink(configuration: StdoutSinkConfiguration(name: "debug")) { _ throws(RelayError) in
            throw RelayError(RelayError.Code(rawValue: "file.io"), "broken pipe")
        }
        let outcome = await sink.deliver([Fixtures.entry(1)])
        #expect(Fate(outcome) == .retriable(retryAfter: nil))
        #expect(outcome.reason == "broken pipe")
    }
}
