import Foundation
import RelayCore
import RelayHTTP
import RelayRuntime
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 18, items 1 and 5: the operator pages live on their own listener (behind an optional bearer
/// token), and both listeners bound what one client can hold: a header timeout, a connection cap
/// and a concurrent-request limit.
@Suite("Listeners: push vs admin, token, timeouts and limits")
struct ListenerSecurityTests {
    static func get(_ url: String, headers: [(name: String, value: String)] = []) async throws -> HTTPResponseSummary {
        let response = try await HTTPTransport().send(OutboundRequest(method: "GET", url: url, headers: headers))
        return HTTPResponseSummary(
            status: response.status, wwwAuthenticate: response.header("WWW-Authenticate"),
            body: String(decoding: response.body, as: UTF8.self))
    }

    struct HTTPResponseSummary {
        var status: Int
        var wwwAuthenticate: String?
        var body: String
    }

    @Test("the push listener serves no operator page (404), the admin listener serves them; /healthz on push")
    func operatorPagesOnlyOnAdmin() async throws {
        try await ObservabilityFixture.with { fixture in
            let letter = try #require(try await fixture.runtime.store.deadLetters(limit: 10).first)
            for path in ["/", "/metrics", "/readyz", "/deadletters", "/deadletters/\(letter.id)"] {
                let onPush = try await Self.get(fixture.pushURL + path)
                #expect(onPush.status == 404, "\(path) on the push listener")
                let onAdmin = try await Self.get(fixture.url + path)
                #expect(onAdmin.status != 404, "\(path) on the admin listener")
            }
            #expect(try await Self.get(fixture.url + "/deadletters/\(letter.id)").status == 200)
            #expect(try await Self.get(fixture.pushURL + "/healthz").status == 200)
        }
    }

    @Test("with admin_token set the admin listener answers 401 without or with a wrong bearer token")
    func adminTokenRequired() async throws {
        try await ListenerFixture.with(server: "admin_token: ${env:ADMIN_TOKEN}") { _, urls in
            for path in ["/", "/metrics", "/readyz", "/deadletters", "/deadletters/1", "/nothing-here"] {
                let anonymous = try await Self.get(urls.admin + path)
                #expect(anonymous.status == 401, "\(path) without a token")
                #expect(anonymous.wwwAuthenticate?.hasPrefix("Bearer") == true)
                for wrong in [
                    "Bearer not-the-admin-token-at-all", "Bearer " + ListenerFixture.adminToken.dropLast(),
                    "Basic " + ListenerFixture.adminToken,
                ] {
                    #expect(
                        try await Self.get(urls.admin + path, headers: [("Authorization", wrong)]).status == 401,
                        "\(path) with \(wrong)")
                }
            }
            let authorized = [(name: "Authorization", value: "Bearer " + ListenerFixture.adminToken)]
            #expect(try await Self.get(urls.admin + "/metrics", headers: authorized).status == 200)
            #expect(try await Self.get(urls.admin + "/", headers: authorized).status == 200)
            // The token guards the admin listener only: senders authenticate with their own keys.
            #expect(try await Self.get(urls.push + "/healthz").status == 200)
        }
    }

    @Test("a connection that sends half a request head is closed after header_timeout_secs, on both listeners")
    func halfHeaderIsClosed() async throws {
        try await ListenerFixture.with(server: "header_timeout_secs: 0.2") { _, urls in
            for port in [urls.pushPort, urls.adminPort] {
                let connection = try RawConnection(port: port)
                connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
                let outcome = connection.waitForClose()
                #expect(outcome.closed, "port \(port) kept a half-sent head open")
                #expect(outcome.received.isEmpty)
            }
            // After a complete request on a kept-alive connection the timer starts again.
            let kept = try RawConnection(port: urls.pushPort)
            kept.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(kept.read(until: #"{"status":"ok"}"#) != nil)
            kept.send("GET /healthz HTTP/1.1\r\nHost: loc")
            #expect(kept.waitForClose().closed)
        }
    }

    @Test("the connection beyond max_connections is closed at once, the ones within are served")
    func connectionCap() async throws {
        try await ListenerFixture.with(server: "max_connections: 2") { _, urls in
            // Two connections, each proven counted by a served request, then kept open.
            let held = try (0..<2).map { _ in try RawConnection(port: urls.pushPort) }
            for connection in held {
                connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                #expect(connection.read(until: #"{"status":"ok"}"#) != nil)
            }
            let third = try RawConnection(port: urls.pushPort)
            third.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let outcome = third.waitForClose()
            #expect(outcome.closed)
            #expect(!outcome.received.contains("200"))
            // The held ones are still served.
            held[0].send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(held[0].read(until: #"{"status":"ok"}"#) != nil)
        }
    }

    @Test("beyond max_concurrent_requests a request is answered 503 with Retry-After")
    func concurrentRequestLimit() async throws {
        try await ListenerFixture.with(server: "max_concurrent_requests: 1") { _, urls in
            // Two deliveries whose bodies never complete: whichever the server takes first holds the
            // only place until the end of the test; the other must be refused at once.
            let head =
                "POST /firehose HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Amz-Firehose-Access-Key: \(ListenerFixture.firehoseKey)\r\nContent-Length: 100\r\n\r\n{"
            let connections = try (0..<2).map { _ in try RawConnection(port: urls.pushPort) }
            for connection in connections { connection.send(head) }
            let answered = try #require(RawConnection.firstReadable(connections), "neither request was answered")
            let response = try #require(connections[answered].read(until: "\r\n\r\n"))
            #expect(response.hasPrefix("HTTP/1.1 503"))
            #expect(response.lowercased().contains("retry-after: 1"))
        }
    }
}

extension RawConnection {
    /// The index of the first of `connections` with data to read (or closed), waiting at most 10 s.
    static func firstReadable(_ connections: [RawConnection]) -> Int? {
        var descriptors = connections.map { pollfd(fd: $0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        guard poll(&descriptors, nfds_t(descriptors.count), 10_000) > 0 else { return nil }
        return descriptors.firstIndex { $0.revents != 0 }
    }
}
