import Hummingbird
import Logging
import RelayCore
import RelayHTTP
import RelaySinks
import RelayTesting
import ServiceLifecycle
import Synchronization
import Testing

/// Outbound clients never follow a redirect: a 3xx would re-send the credential header and the
/// body to whatever host the answer names.
@Suite("Redirects are refused", .timeLimit(.minutes(2)))
struct RedirectTests {
    @Test("a Datadog sink answered 307 sends nothing to the target and is rejected naming status and host")
    func datadogRedirect() async throws {
        let received = Mutex(0)
        let target = Router()
        target.post("**") { _, _ -> HTTPResponse.Status in
            received.withLock { $0 += 1 }
            return .accepted
        }
        try await withServers([target]) { targetURLs in
            let targetURL = targetURLs[0]
            let redirecting = Router()
            redirecting.post("**") { _, _ -> Response in
                Response(
                    status: .temporaryRedirect, headers: [.location: targetURL + "/api/v2/logs?token=secret-in-url"])
            }
            try await withServers([redirecting]) { urls in
                let configuration = DatadogLogsSinkConfiguration(
                    name: "datadog", endpoint: urls[0] + "/", apiKey: "dd-secret-key", hostname: "relay-01",
                    gzip: false,
                    requestTimeout: .seconds(10))
                let sink = DatadogLogsSink(
                    configuration: configuration, transport: HTTPTransport())
                let outcome = await sink.deliver([TimedFixtures.entry(1, at: ManualClock())])
                guard case .rejected(let reason) = outcome else {
                    Issue.record("expected a rejection, got \(outcome)")
                    return
                }
                let targetHost = String(targetURL.dropFirst("http://".count))
                #expect(reason.contains("307"))
                #expect(reason.contains(targetHost))
                #expect(!reason.contains("secret-in-url"))
                #expect(!reason.contains("dd-secret-key"))
            }
        }
        #expect(received.withLock { $0 } == 0)
    }

    @Test("any client on the shared transport (tokens, alerts, secrets) gets http.redirect; the target sees nothing")
    func transportRedirect() async throws {
        let received = Mutex(0)
        let target = Router()
        target.post("**") { _, _ -> HTTPResponse.Status in
            received.withLock { $0 += 1 }
            return .ok
        }
        try await withServers([target]) { targetURLs in
            let redirecting = Router()
            redirecting.post("**") { _, _ -> Response in
                Response(status: .movedPermanently, headers: [.location: targetURLs[0] + "/oauth/token"])
            }
            try await withServers([redirecting]) { urls in
                let request = OutboundRequest(
                    method: "POST", url: urls[0] + "/oauth/token?client=x",
                    headers: [("Authorization", "Basic c2VjcmV0")],
                    body: Array("grant_type=client_credentials".utf8))
                let error = await #expect(throws: RelayError.self) { try await HTTPTransport().send(request) }
                #expect(error?.code == .redirectRefused)
                #expect(error?.message.contains("HTTP 301") == true)
                #expect(error?.message.contains(String(targetURLs[0].dropFirst("http://".count))) == true)
                #expect(error?.message.contains("client=x") == false)
            }
        }
        #expect(received.withLock { $0 } == 0)
    }

    @Test(
        "the redirect target's host is named without path, query or user info",
        arguments: [
            ("https://user:pw@evil.example:8443/x?token=1", "evil.example:8443"),
            ("http://other.example", "other.example"),
            ("//cdn.example/path", "cdn.example"),
            ("/relative/path?q=1", "api.example"),
        ])
    func locationHost(location: String, host: String) {
        #expect(HTTPTransport.redirectHost(location: location, requestURL: "https://api.example/v2/logs") == host)
    }

    @Test("a refused redirect is a rejection for a sink, other transport failures an outage")
    func sinkOutcome() {
        let redirect = RelayError(.redirectRefused, "POST https://a.example/x answered HTTP 307")
        #expect(DeliveryOutcome.transportFailure(redirect) == .rejected(reason: redirect.message))
        let transport = RelayError(.transport, "connection refused")
        #expect(DeliveryOutcome.transportFailure(transport) == .unavailable(reason: transport.message, retryAfter: nil))
    }
}

/// Serves each router on 127.0.0.1 port 0 while `body` runs; `body` gets their base URLs in order.
private func withServers<T: Sendable>(
    _ routers: [Router<BasicRequestContext>], _ body: @Sendable ([String]) async throws -> T
) async throws -> T {
    let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
    let applications = routers.map { router in
        Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: TimedFixtures.logger)
    }
    let group = ServiceGroup(configuration: .init(services: applications, logger: TimedFixtures.logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var urls: [String] = []
        for await port in stream {
            urls.append("http://127.0.0.1:\(port)")
            if urls.count == routers.count { break }
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(urls))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}
