import Foundation
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// A tmpfs the test mounts (root only) so the state store can run out of space.
struct SmallFilesystem {
    let path: String

    /// Runs `/bin/mount` (or `umount`) with `arguments`; true when it exits 0.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Whether this process may mount a tmpfs (root, and `mount` works here): tried once.
    static let available: Bool = {
        guard getuid() == 0, let probe = try? ScratchDirectory("tmpfs-probe") else { return false }
        defer { probe.remove() }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path]) else { return false }
        run("/bin/umount", [probe.path])
        return true
    }()

    /// Mounts a tmpfs of `kilobytes` at `path`.
    init(at path: String, kilobytes: Int) throws {
        self.path = path
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path]) else {
            throw ReliabilityFailure(description: "mount -t tmpfs at \(path) failed")
        }
    }

    /// Gives the filesystem `kilobytes` of room, as when an operator frees space.
    func resize(kilobytes: Int) throws {
        guard Self.run("/bin/mount", ["-o", "remount,size=\(kilobytes)k", path]) else {
            throw ReliabilityFailure(description: "remount of \(path) failed")
        }
    }

    func unmount() {
        Self.run("/bin/umount", [path])
    }
}

/// The state store's filesystem fills up under push and pull load (issue 8).
@Suite("Reliability: disk full", .tags(.reliability))
struct ReliabilityDiskTests {
    @Test(
        "state store disk full: Firehose gets non-200, nothing acknowledged that was not stored, recovery when space returns",
        .enabled(
            if: SmallFilesystem.available,
            "needs root and a working `mount -t tmpfs` (the state store's disk is a small tmpfs)"),
        .timeLimit(.minutes(3)))
    func diskFull() async throws {
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(
                services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: SystemClock())
        let hec = SplunkHECEmulator()
        let scratch = try ScratchDirectory("disk")
        defer { scratch.remove() }
        let stateDirectory = scratch.path + "/state"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let disk = try SmallFilesystem(at: stateDirectory, kilobytes: 768)
        defer { disk.unmount() }
        let push = PushLoad(eventsPerRequest: 40)
        let seed = reliabilitySeed()

        let (acknowledgedWhileFull, logText) = try await Sandbox.withRunning(
            genesys: org, hec: hec, logger: .reliability
        ) { endpoints in
            let config = try scratch.write(
                "ccrelay.yaml",
                """
                state: {sqlite: {path: \(stateDirectory)/state.sqlite}}
                server: {listen: "127.0.0.1:0", admin_listen: "127.0.0.2:0"}
                sources:
                  genesys: {type: genesys_audit, base_url: "\(endpoints.genesysURL)", client_id: \(org.configuration.clientID), client_secret: "${SECRET}", poll_interval_secs: 1, page_size: 100}
                  push: {type: firehose, access_keys: ["${FIREHOSE_KEY}"]}
                sinks:
                  splunk: {type: splunk_hec, endpoint: "\(endpoints.hecURL)", token: "${HEC_TOKEN}", batch: {max_events: 100, timeout_secs: 0.05}}
                """)
            let relay = try RelayProcess(
                config: config, logPath: scratch.path + "/ccrelay.log", environment: reliabilitySecrets(org))
            defer { if relay.isRunning { relay.kill() } }
            push.target("http://127.0.0.1:\(try await relay.waitForListeningPort())")
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await push.run(seed: seed) }
                // Fill the disk: pushed and pulled records until the receiver refuses.
                try await eventually("the receiver to refuse for lack of space", limit: .seconds(90), while: relay) {
                    org.generate(count: 20)
                    return push.snapshot.refused >= 3
                }
                let acknowledgedWhileFull = push.snapshot.acknowledged.count
                #expect(relay.isRunning, "ccrelay died when its disk filled: \(relay.logTail())")
                // Space returns: everything refused meanwhile is redelivered by "Firehose" and stored.
                try disk.resize(kilobytes: 65_536)
                let refusedBefore = push.snapshot.refused
                let acceptedBefore = push.snapshot.accepted
                try await eventually("intake to accept again", while: relay) {
                    push.snapshot.accepted > acceptedBefore + 2
                }
                push.stop()
                try await group.waitForAll()
                org.generate(count: 20)
                let expected = pulledEventIDs(org.generatedIDs).union(push.snapshot.generated)
                try await eventually("every event indexed", limit: .seconds(90), while: relay) {
                    IndexCount(
                        expected: expected, indexed: hec.events.compactMap { $0.fields["event_id"]?.stringValue }
                    ).missing == 0
                }
                #expect(push.snapshot.refused >= refusedBefore)
                let status = relay.terminate()
                #expect(status == 0, "ccrelay exited \(status): \(relay.logTail())")
                let log = (try? String(contentsOfFile: relay.logPath, encoding: .utf8)) ?? ""
                return (acknowledgedWhileFull, log)
            }
        }

        let pushed = push.snapshot
        let expected = pulledEventIDs(org.generatedIDs).union(pushed.generated)
        let indexed = hec.events.compactMap { $0.fields["event_id"]?.stringValue }
        let count = IndexCount(expected: expected, indexed: indexed)
        let acknowledgedButLost = Set(pushed.acknowledged).subtracting(indexed).count
        ReliabilityReport.line(
            "disk-full",
            [
                "tmpfs_kib": 768, "pushed": pushed.generated.count, "pulled": org.generatedIDs.count,
                "acknowledged_before_full": acknowledgedWhileFull, "firehose_non_200": pushed.refused,
                "last_refusal": "\"\(Self.errorMessage(pushed.lastRefusal))\"",
                "acknowledged_but_lost": acknowledgedButLost,
                "missing": count.missing, "duplicates": count.duplicates,
            ])
        #expect(pushed.refused > 0)
        #expect(pushed.lastRefusal.hasPrefix("500"), "\(pushed.lastRefusal)")
        #expect(pushed.lastRefusal.contains("could not be stored"), "\(pushed.lastRefusal)")
        #expect(logText.contains("full"), "the log should say the disk is full")
        #expect(acknowledgedButLost == 0)
        #expect(count.missing == 0 && count.duplicates == 0, "\(count)")
    }

    /// `<status> <errorMessage>` from a refusal recorded as `<status> <body>`.
    static func errorMessage(_ refusal: String) -> String {
        let status = refusal.prefix { $0 != " " }
        let body = refusal.drop { $0 != " " }.dropFirst()
        let message = (try? JSONParser.parse(Array(body.utf8)))?["errorMessage"]?.stringValue ?? String(body.prefix(80))
        return "\(status) \(message)"
    }
}
