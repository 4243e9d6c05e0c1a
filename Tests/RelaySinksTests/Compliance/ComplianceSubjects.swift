import Foundation
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import Testing

/// Every sink the compliance suite runs against.
enum ComplianceSubjects {
    static let all: [ComplianceSubject] = [splunkHEC(acknowledgement: false), splunkHEC(acknowledgement: true), datadog, sumo, file]

    static let withPermanentFailure = all.filter(\.hasPermanentFailure)

    static func splunkHEC(acknowledgement: Bool) -> ComplianceSubject {
        ComplianceSubject(
            name: acknowledgement ? "Splunk HEC with acks" : "Splunk HEC", hasPermanentFailure: true
        ) { clock, body in
            let hec = SplunkHECEmulator(clock: clock)
            let token = acknowledgement ? SplunkHECConfiguration.defaultAckToken : SplunkHECConfiguration.defaultToken
            try await Sandbox.withRunning(hec: hec, logger: Compliance.logger) { url in
                @Sendable func makeSink(index: String, store: any StateStore) -> any Sink {
                    var configuration = Fixtures.configuration(endpoint: url, token: token, index: index)
                    configuration.name = Compliance.sinkName
                    return SplunkHECSink(configuration: configuration, transport: HTTPTransport(), store: store, clock: clock)
                }
                try await body(
                    ComplianceDestination(
                        makeSink: { makeSink(index: "ccas", store: $0) },
                        arrived: { hec.events.compactMap { $0.fields["event_id"]?.stringValue } },
                        failRetriably: { hec.injectFaults([.busy]) },
                        recover: {},
                        permanentFailure: { (makeSink(index: "not-allowed-for-token", store: $0), "code 7") }
                    ))
            }
        }
    }

    static let datadog = ComplianceSubject(name: "Datadog Logs", hasPermanentFailure: true) { clock, body in
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: Compliance.logger) { url in
            @Sendable func makeSink() -> any Sink {
                DatadogLogsSink(
                    configuration: DatadogLogsSinkConfiguration(
                        name: Compliance.sinkName, endpoint: url, apiKey: DatadogIntakeConfiguration.defaultAPIKey,
                        requestTimeout: .seconds(10)),
                    transport: HTTPTransport(), clock: clock, logger: Compliance.logger)
            }
            try await body(
                ComplianceDestination(
                    makeSink: { _ in makeSink() },
                    arrived: { intake.logs.compactMap(\.eventID) },
                    failRetriably: { intake.injectFaults([.tooManyRequests(retryAfterSeconds: 5)]) },
                    recover: {},
                    permanentFailure: { _ in
                        intake.injectFaults([.badRequest])
                        return (makeSink(), "malformed request body")
                    }
                ))
        }
    }

    static let sumo = ComplianceSubject(name: "Sumo Logic", hasPermanentFailure: true) { _, body in
        let source = SumoLogicEmulator()
        try await Sandbox.withRunning(sumo: source, logger: Compliance.logger) { url in
            @Sendable func makeSink() -> any Sink {
                SumoLogicSink(
                    configuration: SumoLogicSinkConfiguration(name: Compliance.sinkName, url: url, requestTimeout: .seconds(10)),
                    transport: HTTPTransport())
            }
            try await body(
                ComplianceDestination(
                    makeSink: { _ in makeSink() },
                    arrived: { source.lines.compactMap(\.eventID) },
                    failRetriably: { source.injectFaults([.throttled(retryAfterSeconds: 5)]) },
                    recover: {},
                    permanentFailure: { _ in
                        source.injectFaults([.badRequest])
                        return (makeSink(), "could not be processed")
                    }
                ))
        }
    }

    /// The file sink writes into a directory the retriable fault removes (before the first write)
    /// and recovery creates again.
    static let file = ComplianceSubject(name: "File", hasPermanentFailure: false) { clock, body in
        try await Compliance.withDirectory { directory in
            let folder = directory + "/out"
            let path = folder + "/events.ndjson"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try await body(
                ComplianceDestination(
                    makeSink: { _ in
                        FileSink(configuration: FileSinkConfiguration(name: Compliance.sinkName, path: path), clock: clock, logger: Compliance.logger)
                    },
                    arrived: {
                        guard FileManager.default.fileExists(atPath: path) else { return [] }
                        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                        return try text.split(separator: "\n").map { line in
                            try JSONParser.parse(String(line))["event_id"]?.stringValue ?? ""
                        }
                    },
                    failRetriably: { try FileManager.default.removeItem(atPath: folder) },
                    recover: { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) },
                    permanentFailure: nil
                ))
        }
    }
}
