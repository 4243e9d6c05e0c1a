import Foundation
import RelayConfig
import RelayCore
import RelayRuntime
import RelayTesting
import Testing

/// `server:` refusals, each at its YAML path, and the defaults of the listeners and limits.
@Suite("Listener configuration")
struct ListenerConfigTests {
    @Test("without a server section: admin on 127.0.0.1:8081, 60 s idle, 10 s header, 1024 connections, 64 requests")
    func defaults() throws {
        let settings = ServerConfiguration()
        #expect(settings.admin == ListenAddress(host: "127.0.0.1", port: 8081))
        #expect(settings.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(settings.adminToken == nil && settings.tls == nil && settings.adminTLS == nil)
        #expect(settings.idleTimeout == .seconds(60))
        #expect(settings.headerTimeout == .seconds(10))
        #expect(settings.maxConnections == 1_024)
        #expect(settings.maxConcurrentRequests == 64)
    }

    @Test("every key is read")
    func readsEveryKey() throws {
        let scratch = try ScratchDirectory("listener-config")
        defer { scratch.remove() }
        let configuration = try ListenerFixture.configuration(
            directory: scratch.path,
            server: """
                admin_token: ${env:ADMIN_TOKEN}
                idle_timeout_secs: 30
                header_timeout_secs: 2.5
                max_connections: 100
                max_concurrent_requests: 8
                """)
        let settings = configuration.server
        #expect(settings.adminToken?.value == ListenerFixture.adminToken)
        #expect(settings.admin == ListenAddress(host: "127.0.0.1", port: 0))
        #expect(settings.idleTimeout == .seconds(30))
        #expect(settings.headerTimeout == .milliseconds(2_500))
        #expect(settings.maxConnections == 100)
        #expect(settings.maxConcurrentRequests == 8)
    }

    @Test(
        "refusals name their YAML path",
        arguments: [
            ("admin_listen: localhost", "server.admin_listen:"),
            ("admin_token: ${env:SHORT_TOKEN}", "server.admin_token:"),
            ("admin_token: a-literal-token-of-enough-bytes", "server.admin_token:"),
            ("tls: {cert_file: /nonexistent/cert.pem, key_file: /nonexistent/key.pem}", "server.tls.cert_file:"),
            ("tls: {cert_file: /nonexistent/cert.pem, key_file: /nonexistent/key.pem}", "server.tls.key_file:"),
            ("admin_tls: {cert_file: /nonexistent/cert.pem}", "server.admin_tls.key_file:"),
            ("idle_timeout_secs: 0", "server.idle_timeout_secs:"),
            ("header_timeout_secs: soon", "server.header_timeout_secs:"),
            ("max_connections: 0", "server.max_connections:"),
            ("max_concurrent_requests: -1", "server.max_concurrent_requests:"),
        ])
    func refusal(line: String, path: String) throws {
        let scratch = try ScratchDirectory("listener-config")
        defer { scratch.remove() }
        let found = ListenerFixture.problems(directory: scratch.path, server: line)
        #expect(found.contains { $0.hasPrefix(path) }, "\(found)")
        // No message quotes the token's value.
        #expect(!found.contains { $0.contains("too-short") || $0.contains("a-literal-token-of-enough-bytes") })
    }

    @Test("a cert_file that is not PEM is refused at server.tls.cert_file")
    func certificateNotPEM() throws {
        let scratch = try ScratchDirectory("listener-config")
        defer { scratch.remove() }
        let cert = try scratch.write("cert.pem", "not a certificate")
        let key = try scratch.write("key.pem", "not a key")
        let found = ListenerFixture.problems(
            directory: scratch.path, server: "tls: {cert_file: \(cert), key_file: \(key)}")
        #expect(found.contains { $0.hasPrefix("server.tls.cert_file:") && $0.contains("no PEM certificate") })
        #expect(found.contains { $0.hasPrefix("server.tls.key_file:") && $0.contains("no PEM private key") })
    }
}
