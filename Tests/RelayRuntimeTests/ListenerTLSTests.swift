import AsyncHTTPClient
import Foundation
import NIOSSL
import RelayConfig
import RelayCore
import RelayHTTP
import RelayRuntime
import RelayTesting
import Testing

/// Native TLS on both listeners (`server.tls`, `server.admin_tls`), with self-signed certificates
/// made by `openssl` in the test, and renewed files served after a reload (SIGHUP).
@Suite("Listener TLS")
struct ListenerTLSTests {
    /// Writes a new self-signed certificate for `localhost` and its key to `cert` and `key`.
    static func makeCertificate(cert: String, key: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", key,
            "-out", cert,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl req failed")
    }

    /// GET `url` with a client that trusts only the certificate now in `trusting`; the status, or
    /// nil when the TLS handshake (or the connection) failed.
    static func status(_ url: String, trusting certificate: String) async throws -> Int? {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate))
        tls.certificateVerification = .noHostnameVerification
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow))
        let status = try? await HTTPTransport(client: client).send(OutboundRequest(method: "GET", url: url)).status
        try await client.shutdown()
        return status
    }

    @Test("both listeners serve TLS with the configured files; a reload serves the renewed certificate")
    func tlsAndReload() async throws {
        let scratch = try ScratchDirectory("listener-tls")
        defer { scratch.remove() }
        let directory = scratch.path
        let (cert, key) = (directory + "/cert.pem", directory + "/key.pem")
        try Self.makeCertificate(cert: cert, key: key)
        try FileManager.default.copyItem(atPath: cert, toPath: directory + "/first.pem")
        let path = try scratch.write(
            "ccrelay.yaml",
            ListenerFixture.yaml(
                directory: directory,
                server: """
                    header_timeout_secs: 0.5
                    tls: {cert_file: \(cert), key_file: \(key)}
                    admin_tls: {cert_file: \(cert), key_file: \(key)}
                    """))
        let loader = ConfigLoader(interpolation: ListenerFixture.interpolation)

        let (reloads, requestReload) = AsyncStream.makeStream(of: Void.self)
        let (started, announce) = AsyncStream.makeStream(of: RelayRuntime.self)
        let daemon = ReloadingDaemon(
            gracefulShutdownSignals: [], logger: PipelineHarness.logger,
            load: { try loader.load(path: path) },
            build: { try RelayRuntime(configuration: $0, logger: PipelineHarness.logger) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.run(reloads: reloads, started: { announce.yield($0) }) }
            var runtimes = started.makeAsyncIterator()

            let first = try #require(await runtimes.next())
            let push = "https://127.0.0.1:\(try await #require(first.httpServer).boundPort())/healthz"
            let admin = "https://127.0.0.1:\(try await first.adminServer.boundPort())/metrics"
            #expect(try await Self.status(push, trusting: cert) == 200)
            #expect(try await Self.status(admin, trusting: cert) == 200)
            // Plain HTTP on a TLS listener gets no answer (the connection waits for a TLS handshake
            // until the header timeout closes it).
            let plain = try? await HTTPTransport().send(OutboundRequest(method: "GET", url: "http" + push.dropFirst(5)))
            #expect(plain?.status != 200)

            // The certificate is renewed on disk, then SIGHUP.
            try FileManager.default.removeItem(atPath: cert)
            try FileManager.default.removeItem(atPath: key)
            try Self.makeCertificate(cert: cert, key: key)
            requestReload.yield()
            let second = try #require(await runtimes.next())
            let renewed = "https://127.0.0.1:\(try await #require(second.httpServer).boundPort())/healthz"
            #expect(try await Self.status(renewed, trusting: cert) == 200)
            #expect(try await Self.status(renewed, trusting: directory + "/first.pem") == nil)
            group.cancelAll()
        }
    }
}
