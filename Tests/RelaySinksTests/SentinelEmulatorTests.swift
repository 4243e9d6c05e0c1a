import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// The emulator's answers in the shape the Logs Ingestion API's REST specification (2023-01-01)
/// gives them: 204 with no body, errors as `{"error": {"code", "message"}}` with `x-ms-error-code`.
@Suite("Sentinel emulator wire format", .timeLimit(.minutes(1)))
struct SentinelEmulatorTests {
    @Test("an error carries its code in the body and in x-ms-error-code; a throttle carries Retry-After")
    func errorShape() async throws {
        let emulator = SentinelEmulator(clock: ManualClock())
        try await Sandbox.withRunning(sentinel: emulator, logger: SinkComplianceKit.logger) { url in
            let ingestion = SentinelFixtures.configuration(url).ingestionURL
            let transport = HTTPTransport()
            let request = OutboundRequest(
                method: "POST", url: ingestion, headers: [("Content-Type", "application/json")], body: Array("[]".utf8),
                timeout: .seconds(10))
            let unauthorized = try await transport.send(request)
            #expect(unauthorized.status == 401)
            let body = try JSONParser.parse(unauthorized.body)
            #expect(body["error"]?["code"]?.stringValue == "InvalidToken")
            #expect(body["error"]?["message"]?.stringValue?.isEmpty == false)
            #expect(unauthorized.header("x-ms-error-code") == "InvalidToken")

            emulator.injectFaults([.tooManyRequests(retryAfterSeconds: 7)])
            let throttled = try await transport.send(request)
            #expect(throttled.status == 429)
            #expect(throttled.header("x-ms-error-code") == "TooManyRequests")
            #expect(throttled.retryAfter == .seconds(7))
        }
    }
}
