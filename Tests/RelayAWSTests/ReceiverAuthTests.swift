import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import RelayCore
import RelayTesting
import Synchronization
import Testing

@testable import RelayAWS
@testable import RelayConfig

/// Inbound keys as credentials: compared at their current value (so a rotation is accepted at
/// once), and every refused login counted and logged at warning at most once a minute.
@Suite("Push receivers: credentials and refused logins")
struct ReceiverAuthTests {
    static let body = firehoseBody(requestID: "r", records: [eventText("e1")])

    func firehoseRequest(key: String?) -> Request {
        var fields: HTTPFields = [.contentType: "application/json"]
        fields[HTTPField.Name("X-Amz-Firehose-Request-Id")!] = UUID().uuidString
        if let key { fields[HTTPField.Name("X-Amz-Firehose-Access-Key")!] = key }
        return memoryRequest(path: "/firehose", headers: fields, body: Self.body)
    }

    @Test(
        "an access key read from a file is accepted at its new value as soon as the provider re-read the rewritten file"
    )
    func rotatedFileKeyAcceptedAtOnce() async throws {
        try await withScratchDirectory("receiver-auth") { directory in
            let path = directory + "/firehose-key"
            try "first-access-key-0123456789\n".write(toFile: path, atomically: true, encoding: .utf8)
            let provider = SecretProvider()
            let template = try SecretTemplate.parse("${file:\(path)}").get()
            let (key, failures) = provider.register(
                template, written: "${file:\(path)}", at: "sources.f.access_keys[0]")
            #expect(failures.isEmpty)
            let clock = ManualClock()
            provider.use(transport: .init(), clock: clock, logger: testLogger)
            let receiver = FirehoseReceiver(
                configuration: FirehoseReceiverConfiguration(name: "f", accessKeys: [key]), normalize: testNormalizer,
                clock: clock, logger: testLogger)
            let intake = RecordingIntake()
            #expect(
                await receiver.handle(firehoseRequest(key: "first-access-key-0123456789"), intake: intake).status.code
                    == 200)

            try "second-access-key-0123456789\n".write(toFile: path, atomically: true, encoding: .utf8)
            clock.advance(by: provider.settings.refreshInterval)
            await provider.refreshDue()
            #expect(
                await receiver.handle(firehoseRequest(key: "second-access-key-0123456789"), intake: intake).status.code
                    == 200)
            #expect(
                await receiver.handle(firehoseRequest(key: "first-access-key-0123456789"), intake: intake).status.code
                    == 401)
        }
    }

    @Test(
        "a rotated file value shorter than 16 bytes is not taken: the last good key stays in use and the failure is reported"
    )
    func shortRotatedValueRefused() async throws {
        try await withScratchDirectory("receiver-auth") { directory in
            let path = directory + "/firehose-key"
            try "first-access-key-0123456789".write(toFile: path, atomically: true, encoding: .utf8)
            let provider = SecretProvider()
            let template = try SecretTemplate.parse("${file:\(path)}").get()
            let (key, _) = provider.register(template, written: "${file:\(path)}", at: "sources.f.access_keys[0]")
            provider.require(template, minimumBytes: 16, at: "sources.f.access_keys[0]")
            let clock = ManualClock()
            provider.use(transport: .init(), clock: clock, logger: testLogger)
            try "x".write(toFile: path, atomically: true, encoding: .utf8)
            clock.advance(by: provider.settings.refreshInterval)
            await provider.refreshDue()
            #expect(key.value == "first-access-key-0123456789")
            let error = try #require(provider.statuses.first?.lastError)
            #expect(error.contains("sources.f.access_keys[0]") && error.contains("at least 16 bytes"))
        }
    }

    @Test("refused logins count in ccrelay_receiver_auth_failures_total{source} and log one warning a minute")
    func refusedLoginsCountedAndWarnedOncePerMinute() async throws {
        let clock = ManualClock()
        let metrics = RecordingMetrics()
        let logs = RecordingLogs()
        let receiver = FirehoseReceiver(
            configuration: FirehoseReceiverConfiguration(name: "f", accessKeys: ["accepted-access-key-123"]),
            normalize: testNormalizer, clock: clock, logger: logs.logger, metricsFactory: metrics)
        let intake = RecordingIntake()
        for key in [nil, "presented-bad-key", "presented-bad-key-2"] {
            #expect(await receiver.handle(firehoseRequest(key: key), intake: intake).status.code == 401)
        }
        #expect(metrics.value(of: "ccrelay_receiver_auth_failures_total", dimensions: [("source", "f")]) == 3)
        #expect(logs.warnings.count == 1)
        clock.advance(by: .seconds(59))
        #expect(await receiver.handle(firehoseRequest(key: "presented-bad-key"), intake: intake).status.code == 401)
        #expect(logs.warnings.count == 1)
        clock.advance(by: .seconds(1))
        #expect(await receiver.handle(firehoseRequest(key: "presented-bad-key"), intake: intake).status.code == 401)
        #expect(logs.warnings.count == 2)
        // The three refusals logged at debug in between and this one.
        #expect(logs.warnings.last?.contains("ccrelay.refused_since_last_warning=4") == true)
        #expect(!logs.all.joined().contains("presented-bad-key"))
        #expect(
            await receiver.handle(firehoseRequest(key: "accepted-access-key-123"), intake: intake).status.code == 200)
        #expect(metrics.value(of: "ccrelay_receiver_auth_failures_total", dimensions: [("source", "f")]) == 5)
    }

    @Test("the API destination receiver counts and warns the same way")
    func apiDestinationRefusalsCounted() async throws {
        let clock = ManualClock()
        let metrics = RecordingMetrics()
        let logs = RecordingLogs()
        let receiver = APIDestinationReceiver(
            configuration: APIDestinationReceiverConfiguration(
                name: "eb", auth: .apiKey(header: "X-Api-Key", values: ["api-key-0123456789abcdef"])),
            normalize: testNormalizer, clock: clock, logger: logs.logger, metricsFactory: metrics)
        var fields: HTTPFields = [.contentType: "application/json"]
        fields[HTTPField.Name("X-Api-Key")!] = "api-key-0123456789abcdeX"
        for _ in 0..<2 {
            let response = await receiver.handle(
                memoryRequest(path: "/eventbridge", headers: fields, body: Array(eventText("e1").utf8)),
                intake: RecordingIntake())
            #expect(response.status.code == 401)
        }
        #expect(metrics.value(of: "ccrelay_receiver_auth_failures_total", dimensions: [("source", "eb")]) == 2)
        #expect(logs.warnings.count == 1)
    }
}

/// A metrics factory that keeps counter totals by label and dimensions (other kinds are dropped).
final class RecordingMetrics: MetricsFactory, Sendable {
    private let totals = Mutex<[String: Int64]>([:])

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
    }

    func value(of label: String, dimensions: [(String, String)]) -> Int64 {
        totals.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    final class CounterRecorder: CounterHandler, Sendable {
        let key: String
        let owner: RecordingMetrics
        init(key: String, owner: RecordingMetrics) {
            self.key = key
            self.owner = owner
        }
        func increment(by amount: Int64) { owner.totals.withLock { $0[key, default: 0] += amount } }
        func reset() { owner.totals.withLock { $0[key] = 0 } }
    }

    final class Ignored: RecorderHandler, TimerHandler, Sendable {
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        CounterRecorder(key: Self.key(label, dimensions), owner: self)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Ignored()
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Ignored() }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
