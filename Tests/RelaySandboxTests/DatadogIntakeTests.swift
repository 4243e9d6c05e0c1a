import CompressNIO
import NIOCore
import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@Suite("Datadog intake emulator", .timeLimit(.minutes(1)))
struct DatadogIntakeTests {
    static let key = DatadogIntakeConfiguration.defaultAPIKey

    /// A log stamped `offset` from the clock's now.
    static func log(_ id: String, clock: ManualClock, offset: Duration = .zero, extra: [(String, JSONValue)] = [])
        -> JSONValue
    {
        var object = JSONObject([
            "message": .string("log \(id)"), "ddsource": "genesys", "service": "ccrelay", "event_id": .string(id),
            "timestamp": .string(clock.now.advanced(by: offset).timestamp.iso8601),
        ])
        for (key, value) in extra { object.append(key: key, value: value) }
        return .object(object)
    }

    private func post(_ url: String, _ body: [UInt8], key: String? = key, encoding: String? = nil) async throws
        -> TestResponse
    {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let key { headers.append(("DD-API-KEY", key)) }
        if let encoding { headers.append(("Content-Encoding", encoding)) }
        return try await TestHTTP.send(.POST, url + "/api/v2/logs", headers: headers, body: body)
    }

    @Test(
        "an array of logs is stored and answered 202 {}, gzip and deflate bodies included",
        arguments: ["identity", "gzip", "deflate"])
    func accepts(encoding: String) async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: TestHTTP.logger) { (url: String) async throws in
            let plain = JSONWriter.encode([Self.log("a", clock: clock), Self.log("b", clock: clock)])
            var body = plain
            if encoding != "identity" {
                var input = ByteBuffer(bytes: plain)
                body = Array(buffer: try input.compress(with: encoding == "gzip" ? .gzip() : .zlib()))
            }
            let response = try await post(url, body, encoding: encoding == "identity" ? nil : encoding)
            #expect(response.status == 202)
            #expect(response.json == .object(JSONObject()))
        }
        #expect(intake.logs.map(\.eventID) == ["a", "b"])
        #expect(intake.logs(eventID: "b").first?["message"] == "log b")
    }

    @Test("one object (not an array) is one log")
    func singleObject() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: TestHTTP.logger) { (url: String) async throws in
            #expect(try await post(url, JSONWriter.encode(Self.log("solo", clock: clock))).status == 202)
        }
        #expect(intake.logs.map(\.eventID) == ["solo"])
    }

    @Test("a missing API key is 401, an unknown or revoked one 403, and nothing is stored")
    func apiKeys() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: TestHTTP.logger) { (url: String) async throws in
            let body = JSONWriter.encode([Self.log("x", clock: clock)])
            #expect(try await post(url, body, key: nil).status == 401)
            #expect(try await post(url, body, key: "not-a-key").status == 403)
            intake.revokeAPIKey(Self.key)
            #expect(try await post(url, body).status == 403)
        }
        #expect(intake.logs.isEmpty)
        #expect(intake.stats.rejectedRequests == 3)
    }

    @Test("limits: more than 1000 entries is 400, more than 5 MB is 413, a body that is not JSON is 400")
    func limits() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: TestHTTP.logger) { (url: String) async throws in
            let many = JSONValue.array((0..<1001).map { Self.log("m\($0)", clock: clock) })
            #expect(try await post(url, JSONWriter.encode(many)).status == 400)
            let big = JSONValue.array(
                (0..<6).map {
                    Self.log("b\($0)", clock: clock, extra: [("pad", .string(String(repeating: "x", count: 900_000)))])
                })
            #expect(try await post(url, JSONWriter.encode(big)).status == 413)
            #expect(try await post(url, Array("not json".utf8)).status == 400)
        }
        #expect(intake.logs.isEmpty)
    }

    @Test("a log over 1 MB is stored truncated and the request still succeeds")
    func truncates() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: TestHTTP.logger) { (url: String) async throws in
            let huge = Self.log(
                "huge", clock: clock, extra: [("pad", .string(String(repeating: "y", count: 1_200_000)))])
            #expect(try await post(url, JSONWriter.encode([huge, Self.log("small", clock: clock)])).status == 202)
        }
        let logs = intake.logs
        #expect(logs.map(\.truncated) == [true, false])
        #expect(logs.first?.eventID == "huge")
        #expect(logs.first?.fields["pad"] == nil)
        #expect(intake.stats.truncated == 1)
    }

    @Test("logs older than 18 h or more than 2 h ahead are dropped silently with 202")
    func timeWindow() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        try await Sandbox.withRunning(datadog: intake, logger: TestHTTP.logger) { (url: String) async throws in
            let body = JSONWriter.encode([
                Self.log("old", clock: clock, offset: .seconds(-18 * 3600 - 1)),
                Self.log("edge", clock: clock, offset: .seconds(-17 * 3600)),
                Self.log("future", clock: clock, offset: .seconds(2 * 3600 + 1)),
                Self.log("soon", clock: clock, offset: .seconds(3600)),
            ])
            #expect(try await post(url, body).status == 202)
        }
        #expect(intake.logs.map(\.eventID) == ["edge", "soon"])
        #expect(intake.stats.droppedForAge == 2)
    }

    @Test("injected faults: 429 with Retry-After, 500, 503, then normal service")
    func faults() async throws {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(clock: clock)
        intake.injectFaults([.tooManyRequests(retryAfterSeconds: 7), .internalError, .unavailable])
        try await Sandbox.withRunning(datadog: intake, logger: TestHTTP.logger) { (url: String) async throws in
            let body = JSONWriter.encode([Self.log("f", clock: clock)])
            let throttled = try await post(url, body)
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "7")
            #expect(try await post(url, body).status == 500)
            #expect(try await post(url, body).status == 503)
            #expect(try await post(url, body).status == 202)
            await intake.waitForLogs(count: 1)
        }
        #expect(intake.logs.count == 1)
        #expect(intake.stats.faultsServed == 3)
    }
}
