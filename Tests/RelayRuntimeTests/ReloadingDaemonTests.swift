import Foundation
import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import RelayTesting
import Testing

/// SIGHUP's behaviour, with the signal replaced by an in-process stream of reload requests.
@Suite("Configuration reload")
struct ReloadingDaemonTests {
    /// A configuration with `sinks` file sinks; `valid: false` adds an unknown key.
    static func yaml(directory: String, sinks: [String], valid: Bool = true) -> String {
        """
        allow_inline_secrets: true
        state: {sqlite: {path: \(directory)/state.sqlite}}
        server: {listen: 127.0.0.1:0, admin_listen: 127.0.0.1:0}
        sources:
          firehose: {type: firehose, access_keys: [reload-test-key-0123456789]}
        sinks:
        \(sinks.map { "  \($0): {type: file, path: \(directory)/\($0).ndjson}" }.joined(separator: "\n"))
        \(valid ? "" : "bogus_section: true")
        """
    }

    @Test("a valid reload replaces the pipeline; an invalid one is refused and the running pipeline carries on")
    func reloadReplacesOrKeeps() async throws {
        let scratch = try ScratchDirectory("reload")
        defer { scratch.remove() }
        let directory = scratch.path
        let path = directory + "/ccrelay.yaml"
        try Self.yaml(directory: directory, sinks: ["first"]).write(toFile: path, atomically: true, encoding: .utf8)

        let (reloads, requestReload) = AsyncStream.makeStream(of: Void.self)
        let (started, announce) = AsyncStream.makeStream(of: [String].self)
        let (refusals, refuse) = AsyncStream.makeStream(of: String.self)
        let daemon = ReloadingDaemon(
            gracefulShutdownSignals: [], logger: PipelineHarness.logger,
            load: { try ConfigLoader().load(path: path) },
            build: { try RelayRuntime(configuration: $0, logger: PipelineHarness.logger) }
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await daemon.run(
                    reloads: reloads, started: { runtime in announce.yield(runtime.sinks.map(\.name)) },
                    refused: { error in refuse.yield("\(error)") })
            }
            var runtimes = started.makeAsyncIterator()
            #expect(await runtimes.next() == ["first"])

            // Invalid: refused, nothing restarts. The valid reload after it is the next runtime seen.
            try Self.yaml(directory: directory, sinks: ["broken"], valid: false).write(
                toFile: path, atomically: true, encoding: .utf8)
            requestReload.yield()
            var refused = refusals.makeAsyncIterator()
            let reason = await refused.next()
            #expect(reason?.contains("bogus_section") == true)
            try Self.yaml(directory: directory, sinks: ["first", "second"]).write(
                toFile: path, atomically: true, encoding: .utf8)
            requestReload.yield()
            #expect(await runtimes.next() == ["first", "second"])

            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
