import CompressNIO
import NIOCore
import RelayCore
import RelaySandbox
import Testing

@Suite("Sumo Logic HTTP source emulator", .timeLimit(.minutes(1)))
struct SumoLogicEmulatorTests {
    @Test(
        "lines are stored with the X-Sumo headers; gzip and deflate bodies are read",
        arguments: ["identity", "gzip", "deflate"])
    func storesLines(encoding: String) async throws {
        let sumo = SumoLogicEmulator()
        try await Sandbox.withRunning(sumo: sumo, logger: TestHTTP.logger) { (url: String) async throws in
            #expect(url.hasSuffix("/receiver/v1/http/" + SumoLogicConfiguration.defaultCode))
            let plain = Array("{\"event_id\":\"a\"}\n{\"event_id\":\"b\"}\n".utf8)
            var body = plain
            var headers = [
                ("X-Sumo-Category", "ccas/audit"), ("X-Sumo-Name", "ccrelay"), ("X-Sumo-Host", "relay-01"),
                ("X-Sumo-Fields", "env=prod, team=cc"),
            ]
            if encoding != "identity" {
                var input = ByteBuffer(bytes: plain)
                body = Array(buffer: try input.compress(with: encoding == "gzip" ? .gzip() : .zlib()))
                headers.append(("Content-Encoding", encoding))
            }
            #expect(try await TestHTTP.send(.POST, url, headers: headers, body: body).status == 200)
        }
        let lines = sumo.lines
        #expect(lines.map(\.eventID) == ["a", "b"])
        #expect(lines.first?.category == "ccas/audit")
        #expect(lines.first?.sourceName == "ccrelay")
        #expect(lines.first?.sourceHost == "relay-01")
        #expect(lines.first?.fields == ["env": "prod", "team": "cc"])
    }

    @Test("an unknown source code is answered 401 and stores nothing")
    func unknownCode() async throws {
        let sumo = SumoLogicEmulator()
        try await Sandbox.withRunning(sumo: sumo, logger: TestHTTP.logger) { (url: String) async throws in
            let base = url.split(separator: "/receiver/").first.map(String.init) ?? url
            let response = try await TestHTTP.send(
                .POST, base + "/receiver/v1/http/wrong-code", body: Array("x\n".utf8))
            #expect(response.status == 401)
        }
        #expect(sumo.lines.isEmpty)
        #expect(sumo.stats.rejectedRequests == 1)
    }

    @Test("injected faults: 429 with Retry-After, 503, then normal service")
    func faults() async throws {
        let sumo = SumoLogicEmulator()
        sumo.injectFaults([.throttled(retryAfterSeconds: 3), .unavailable])
        try await Sandbox.withRunning(sumo: sumo, logger: TestHTTP.logger) { (url: String) async throws in
            let throttled = try await TestHTTP.send(.POST, url, body: Array("one\n".utf8))
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "3")
            #expect(try await TestHTTP.send(.POST, url, body: Array("one\n".utf8)).status == 503)
            #expect(try await TestHTTP.send(.POST, url, body: Array("one\n".utf8)).status == 200)
            await sumo.waitForLines(count: 1)
        }
        #expect(sumo.lines.map(\.line) == ["one"])
        #expect(sumo.stats.faultsServed == 2)
    }
}
