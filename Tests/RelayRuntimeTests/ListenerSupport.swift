import Foundation
import RelayConfig
import RelayCore
import RelayRuntime
import RelayTesting
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs both of a runtime's listeners, and a small runtime (a Firehose receiver, a file sink) whose
/// `server:` section a test chooses.
enum ListenerFixture {
    /// The base URLs of the listeners while they run.
    struct URLs: Sendable {
        /// `http(s)://127.0.0.1:PORT` of the push listener.
        var push: String
        var pushPort: Int
        /// `http(s)://127.0.0.1:PORT` of the admin listener.
        var admin: String
        var adminPort: Int
    }

    static let firehoseKey = "listener-test-firehose-key"
    /// An admin token of 32 bytes.
    static let adminToken = "adm1n-t0ken-0f-thirty-two-bytes!"

    /// Runs the runtime's push and admin listeners while `body` runs.
    static func serving<T: Sendable>(_ runtime: RelayRuntime, _ body: @Sendable (URLs) async throws -> T) async throws
        -> T
    {
        let push = try #require(runtime.httpServer)
        let admin = runtime.adminServer
        let group = ServiceGroup(configuration: .init(services: [admin, push], logger: PipelineHarness.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let outcome: Result<T, any Error>
            do {
                let (pushPort, adminPort) = (try await push.boundPort(), try await admin.boundPort())
                let (pushScheme, adminScheme) = (
                    push.tls == nil ? "http" : "https", admin.tls == nil ? "http" : "https"
                )
                outcome = .success(
                    try await body(
                        URLs(
                            push: "\(pushScheme)://127.0.0.1:\(pushPort)", pushPort: pushPort,
                            admin: "\(adminScheme)://127.0.0.1:\(adminPort)", adminPort: adminPort)))
            } catch {
                outcome = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try outcome.get()
        }
    }

    /// The configuration text with `server` lines added under `server:` (both listeners on port 0
    /// unless `server` sets `admin_listen`).
    static func yaml(directory: String, server: String = "") -> String {
        let admin = server.contains("admin_listen:") ? "" : "admin_listen: 127.0.0.1:0"
        return """
            state: {sqlite: {path: \(directory)/state.sqlite}}
            sources:
              firehose: {type: firehose, access_keys: ["${env:FIREHOSE_KEY}"]}
            sinks:
              out: {type: file, path: \(directory)/out.ndjson}
            server:
              listen: 127.0.0.1:0
              \(admin)
            \(server.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """
    }

    static let interpolation = Interpolation(environment: { name in
        switch name {
        case "FIREHOSE_KEY": firehoseKey
        case "ADMIN_TOKEN": adminToken
        case "SHORT_TOKEN": "too-short"
        default: nil
        }
    })

    /// Loads `yaml(directory:server:)`; throws the configuration's problems.
    static func configuration(directory: String, server: String = "") throws(ConfigError) -> RelayConfiguration {
        try ConfigLoader(interpolation: interpolation).load(yaml: yaml(directory: directory, server: server))
    }

    /// The problems of the configuration as `path: message` lines; empty when it loads.
    static func problems(directory: String, server: String) -> [String] {
        do {
            _ = try configuration(directory: directory, server: server)
            return []
        } catch {
            return error.problems.map { "\($0.path): \($0.message)" }
        }
    }

    /// Runs `body` with a runtime of `yaml(directory:server:)` in a scratch directory, its listeners running.
    static func with<T: Sendable>(server: String = "", _ body: @Sendable (RelayRuntime, URLs) async throws -> T)
        async throws -> T
    {
        let scratch = try ScratchDirectory("listeners")
        defer { scratch.remove() }
        let runtime = try RelayRuntime(
            configuration: try configuration(directory: scratch.path, server: server), logger: PipelineHarness.logger)
        return try await serving(runtime) { urls in try await body(runtime, urls) }
    }
}

/// A plain TCP connection to 127.0.0.1, for what an HTTP client library will not do: send half a
/// header, hold a connection open, see the server close it. Every read is bounded by a 10 s socket
/// timeout, a safety net only (tests wait for the close event, not for a time).
final class RawConnection {
    let fileDescriptor: Int32

    init(port: Int) throws {
        fileDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fileDescriptor >= 0 else { throw RelayError(.transport, "socket() failed") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fileDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fileDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fileDescriptor)
            throw RelayError(.transport, "connect() to port \(port) failed")
        }
    }

    deinit { Glibc.close(fileDescriptor) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fileDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `text` has arrived; what arrived (nil when the server closed first or nothing came).
    func read(until text: String) -> String? {
        var received = ""
        while !received.contains(text) {
            guard let chunk = readChunk() else { return nil }
            received += chunk
        }
        return received
    }

    /// Reads until the server closes the connection: true with what it sent before closing, false
    /// when the connection was still open at the safety timeout.
    func waitForClose() -> (closed: Bool, received: String) {
        var received = ""
        while true {
            var buffer = [UInt8](repeating: 0, count: 4_096)
            let count = buffer.withUnsafeMutableBytes { recv(fileDescriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += String(decoding: buffer[..<count], as: UTF8.self)
            } else {
                // 0: orderly close; ECONNRESET: closed by a reset; EAGAIN: the safety timeout passed.
                return (count == 0 || errno == ECONNRESET, received)
            }
        }
    }

    private func readChunk() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { recv(fileDescriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }
}
