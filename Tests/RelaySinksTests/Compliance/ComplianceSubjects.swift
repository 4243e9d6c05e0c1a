import Foundation
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Synchronization

/// Every sink of this target under the sink compliance suite, each against its emulator.
enum ComplianceSubjects {
    static let all: [any SinkComplianceHarness] = [
        SplunkHECHarness(acknowledgement: false), SplunkHECHarness(acknowledgement: true), DatadogHarness(),
        SumoHarness(), ElasticsearchHarness(),
        FileHarness(), StdoutHarness(),
    ]
}

/// Splunk HEC, with or without indexer acknowledgement (the token decides).
struct SplunkHECHarness: SinkComplianceHarness {
    let acknowledgement: Bool
    var name: String { acknowledgement ? "Splunk HEC with acks" : "Splunk HEC" }
    var hasPermanentFailure: Bool { true }
    var hasCredential: Bool { true }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let hec = SplunkHECEmulator(clock: clock)
        let token = acknowledgement ? SplunkHECConfiguration.defaultAckToken : SplunkHECConfiguration.defaultToken
        try await Sandbox.withRunning(hec: hec, logger: SinkComplianceKit.logger) { url in
            @Sendable func makeSink(index: String, token: String, store: any StateStore) -> any Sink {
                var configuration = Fixtures.configuration(endpoint: url, token: token, index: index)
                configuration.name = SinkComplianceKit.sinkName
                return SplunkHECSink(
                    configuration: configuration, transport: HTTPTransport(), store: store, clock: clock)
            }
            try await body(
                SinkComplianceDestination(
                    makeSink: { makeSink(index: "ccas", token: token, store: $0) },
                    arrived: { hec.events.compactMap { $0.fields["event_id"]?.stringValue } },
                    failRetriably: { hec.injectFaults([.busy]) },
                    permanentFailure: { (makeSink(index: "not-allowed-for-token", token: token, store: $0), "code 7") },
                    credentialFailure: { makeSink(index: "ccas", token: "not-a-hec-token", store: $0) }
                ))
        }
    }
}

struct DatadogHarness: SinkComplianceHarness {
    var name: String { "Datadog Logs" }
    var hasPermanentFailure: Bool { true }
    var hasCredential: Bool { true }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: SinkComplianceKit.logger) { url in
            @Sendable func makeSink(apiKey: String = DatadogIntakeConfiguration.defaultAPIKey) -> any Sink {
                DatadogLogsSink(
                    configuration: DatadogLogsSinkConfiguration(
                        name: SinkComplianceKit.sinkName, endpoint: url, apiKey: apiKey, requestTimeout: .seconds(10)),
                    transport: HTTPTransport())
            }
            try await body(
                SinkComplianceDestination(
                    makeSink: { _ in makeSink() },
                    arrived: { intake.logs.compactMap(\.eventID) },
                    failRetriably: { intake.injectFaults([.tooManyRequests(retryAfterSeconds: 5)]) },
                    permanentFailure: { _ in
                        intake.injectFaults([.badRequest])
                        return (makeSink(), "malformed request body")
                    },
                    credentialFailure: { _ in makeSink(apiKey: "not-a-datadog-key") }
                ))
        }
    }
}

struct SumoHarness: SinkComplianceHarness {
    var name: String { "Sumo Logic" }
    var hasPermanentFailure: Bool { true }
    var hasCredential: Bool { true }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let source = SumoLogicEmulator()
        try await Sandbox.withRunning(sumo: source, logger: SinkComplianceKit.logger) { url in
            @Sendable func makeSink(url: String) -> any Sink {
                SumoLogicSink(
                    configuration: SumoLogicSinkConfiguration(
                        name: SinkComplianceKit.sinkName, url: url, requestTimeout: .seconds(10)),
                    transport: HTTPTransport(), logger: SinkComplianceKit.logger)
            }
            // The collector URL's last segment is its secret code; an unknown one is answered 401.
            let unknownCode =
                url.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
                + "/not-a-code"
            try await body(
                SinkComplianceDestination(
                    makeSink: { _ in makeSink(url: url) },
                    arrived: { source.lines.compactMap(\.eventID) },
                    failRetriably: { source.injectFaults([.throttled(retryAfterSeconds: 5)]) },
                    permanentFailure: { _ in
                        source.injectFaults([.badRequest])
                        return (makeSink(url: url), "could not be processed")
                    },
                    credentialFailure: { _ in makeSink(url: unknownCode) }
                ))
        }
    }
}

/// The file sink writes into a directory the retriable fault replaces by a regular file (before the
/// first write) and recovery makes a directory again. A file has no permanent failure and no credential.
struct FileHarness: SinkComplianceHarness {
    var name: String { "File" }
    var hasPermanentFailure: Bool { false }
    var hasCredential: Bool { false }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        try await withScratchDirectory("file-compliance") { directory in
            let folder = directory + "/out"
            let path = folder + "/events.ndjson"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try await body(
                SinkComplianceDestination(
                    makeSink: { _ in
                        FileSink(
                            configuration: FileSinkConfiguration(name: SinkComplianceKit.sinkName, path: path),
                            clock: clock,
                            logger: SinkComplianceKit.logger)
                    },
                    arrived: {
                        guard FileManager.default.fileExists(atPath: path) else { return [] }
                        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                        return try text.split(separator: "\n").map { line in
                            try JSONParser.parse(String(line))["event_id"]?.stringValue ?? ""
                        }
                    },
                    // A file where the folder goes: the sink can neither recreate the folder nor write.
                    failRetriably: {
                        try FileManager.default.removeItem(atPath: folder)
                        _ = FileManager.default.createFile(atPath: folder, contents: Data())
                    },
                    recover: {
                        try? FileManager.default.removeItem(atPath: folder)
                        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    },
                    permanentFailure: nil,
                    credentialFailure: nil
                ))
        }
    }
}

/// The stdout sink over an injected output that keeps what is written; the retriable fault makes
/// the next write fail (a broken pipe). Standard output has no permanent failure and no credential.
struct StdoutHarness: SinkComplianceHarness {
    var name: String { "Stdout" }
    var hasPermanentFailure: Bool { false }
    var hasCredential: Bool { false }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let written = Mutex<(lines: [String], failNext: Bool)>(([], false))
        try await body(
            SinkComplianceDestination(
                makeSink: { _ in
                    StdoutSink(configuration: StdoutSinkConfiguration(name: SinkComplianceKit.sinkName)) {
                        bytes throws(RelayError) in
                        let failed = written.withLock { state in
                            if state.failNext {
                                state.failNext = false
                                return true
                            }
                            state.lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(
                                String.init)
                            return false
                        }
                        if failed { throw RelayError(RelayError.Code(rawValue: "file.io"), "broken pipe") }
                    }
                },
                arrived: {
                    try written.withLock { $0.lines }.map { try JSONParser.parse($0)["event_id"]?.stringValue ?? "" }
                },
                failRetriably: { written.withLock { $0.failNext = true } },
                permanentFailure: nil,
                credentialFailure: nil
            ))
    }
}
