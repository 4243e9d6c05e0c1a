import Foundation
import Logging
import RelayAWSCore
import RelayCore
import RelayHTTP
import RelaySandbox
import RelayTesting
import Synchronization
import Testing
import Yams

@testable import RelayAWS
@testable import RelayConfig

/// The chain's HTTP providers against the sandbox's instance metadata and container emulator:
/// IMDSv2's token, refresh before expiry on a manual clock, shared refreshes, the container
/// endpoint's authorization, and an S3 sink configured without keys.
@Suite struct InstanceCredentialsTests {
    static let logger = Logger.quiet("ccrelay.aws.credentials.tests")

    static func provider(
        _ variables: [String: String], clock: any WallClock, transport: HTTPTransport = HTTPTransport(),
        files: [String: String] = [:]
    ) throws -> any AWSCredentialProvider {
        try AWSCredentialSource.defaultChain { variables[$0] }
            .provider(transport: transport, clock: clock, logger: logger, readFile: { files[$0] })
    }

    @Test func instanceMetadataRefusesARequestWithoutAToken() async throws {
        let clock = ManualClock()
        let emulator = InstanceCredentialsEmulator(expiration: clock.now.advanced(by: .seconds(3600)))
        try await Sandbox.withRunning(instanceCredentials: emulator, logger: Self.logger) { url in
            let transport = HTTPTransport()
            let path = "/latest/meta-data/iam/security-credentials/"
            let bare = try await transport.send(OutboundRequest(method: "GET", url: url + path))
            #expect(bare.status == 401)
            let forged = try await transport.send(
                OutboundRequest(method: "GET", url: url + path, headers: [("X-aws-ec2-metadata-token", "made-up")]))
            #expect(forged.status == 401)
            let noTTL = try await transport.send(OutboundRequest(method: "PUT", url: url + "/latest/api/token"))
            #expect(noTTL.status == 400)
            #expect(emulator.issuedCount == 0)
        }
    }

    @Test func instanceMetadataCredentialsAreRefreshedFiveMinutesBeforeTheyExpire() async throws {
        let clock = ManualClock()
        let emulator = InstanceCredentialsEmulator(expiration: clock.now.advanced(by: .seconds(3600)))
        try await Sandbox.withRunning(instanceCredentials: emulator, logger: Self.logger) { url in
            let provider = try Self.provider(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url], clock: clock)
            let first = try await provider.credentials()
            #expect(first.accessKeyID == InstanceCredentialsEmulator.accessKeyID(1))
            #expect(first.sessionToken == InstanceCredentialsEmulator.sessionToken(1))

            emulator.expiration = clock.now.advanced(by: .seconds(7200))
            clock.advance(by: .seconds(3600 - 301))
            #expect(try await provider.credentials() == first)
            #expect(emulator.issuedCount == 1)

            clock.advance(by: .seconds(2))
            let second = try await provider.credentials()
            #expect(second.accessKeyID == InstanceCredentialsEmulator.accessKeyID(2))
            #expect(emulator.issuedCount == 2)
            #expect(emulator.refusedCount == 0)
        }
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = ManualClock()
        let emulator = InstanceCredentialsEmulator(expiration: clock.now.advanced(by: .seconds(3600)))
        try await Sandbox.withRunning(instanceCredentials: emulator, logger: Self.logger) { url in
            let provider = try Self.provider(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url], clock: clock)
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await provider.credentials().accessKeyID } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys == [InstanceCredentialsEmulator.accessKeyID(1)])
            #expect(emulator.issuedCount == 1)
        }
    }

    @Test func theContainerEndpointGetsTheTokenFileAndAFailureNamesTheProviderOnly() async throws {
        let clock = ManualClock()
        let token = "container-authorization-token-1"
        let emulator = InstanceCredentialsEmulator(
            containerAuthorization: token, expiration: clock.now.advanced(by: .seconds(3600)))
        try await Sandbox.withRunning(instanceCredentials: emulator, logger: Self.logger) { url in
            var variables = [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": url + InstanceCredentialsEmulator.containerPath,
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/token",
            ]
            let good = try Self.provider(variables, clock: clock, files: ["/token": token + "\n"])
            #expect(try await good.credentials().sessionToken == InstanceCredentialsEmulator.sessionToken(1))

            variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = nil
            variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong-token-value"
            let wrong = try Self.provider(variables, clock: clock)
            let error = await #expect(throws: RelayError.self) { try await wrong.credentials() }
            #expect(error?.code == .awsCredentials)
            #expect(error?.message.contains("container credentials") == true)
            #expect(error?.message.contains("HTTP 401") == true)
            #expect(error?.message.contains("wrong-token-value") == false)
        }
    }

    @Test func anS3SinkWithoutKeysSignsWithTheContainerSessionToken() async throws {
        let clock = ManualClock()
        let emulator = InstanceCredentialsEmulator(expiration: clock.now.advanced(by: .seconds(3600)))
        try await Sandbox.withRunning(instanceCredentials: emulator, logger: Self.logger) { url in
            let variables = [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": url + InstanceCredentialsEmulator.containerPath,
                "AWS_REGION": "eu-west-1",
            ]
            let yaml = "{type: s3, bucket: archive, endpoint: \"\(url)/s3\"}"
            let diagnostics = ConfigDiagnostics()
            let node = ConfigNode(
                node: try #require(try Yams.compose(yaml: yaml)), path: "sinks.archive", diagnostics: diagnostics,
                interpolation: Interpolation(environment: { variables[$0] }))
            let configuration = try #require(S3SinkConfiguration.read(name: "archive", node))
            #expect(diagnostics.problems.isEmpty)
            guard case .container = configuration.credentials else {
                Issue.record("expected the container provider, got \(configuration.credentials)")
                return
            }

            let sent = Mutex<[OutboundRequest]>([])
            var transport = HTTPTransport()
            transport.observer = { request in sent.withLock { $0.append(request) } }
            let sink = S3ArchiveSink(
                configuration: configuration, transport: transport, clock: clock, logger: Self.logger)
            _ = await sink.checkCredential()
            let signed = try #require(sent.withLock { $0 }.first { $0.url.hasPrefix(url + "/s3/") })
            let header = { (name: String) in signed.headers.first { $0.name.lowercased() == name }?.value }
            #expect(header("x-amz-security-token") == InstanceCredentialsEmulator.sessionToken(1))
            #expect(
                header("authorization")?.contains("Credential=\(InstanceCredentialsEmulator.accessKeyID(1))/") == true)
        }
    }

    /// `AssumeRoleWithWebIdentity` against moto's STS: `scripts/test` starts a moto without
    /// authentication for it in `MOTO_STS_ENDPOINT`, since the S3 moto (authentication on) answers an
    /// unsigned STS call with HTTP 500 (moto 5.2 looks for an `Authorization` header), though real
    /// STS takes it unsigned.
    @Test
    func webIdentityAssumesTheRoleWithMotosSTS() async throws {
        let endpoint = try #require(ProcessInfo.processInfo.environment["MOTO_STS_ENDPOINT"])
        // moto stamps Expiration with the real time.
        let clock = ManualClock(start: SystemClock().now)
        let read = Mutex(0)
        let variables = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": "/eks/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ccrelay",
            "AWS_ENDPOINT_URL_STS": endpoint,
        ]
        let provider = try AWSCredentialSource.defaultChain { variables[$0] }
            .provider(
                transport: HTTPTransport(), clock: clock, logger: Self.logger,
                readFile: { path in
                    read.withLock { $0 += 1 }
                    return path == "/eks/token" ? "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n" : nil
                })
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.sessionToken?.isEmpty == false)
        // moto grants an hour: the token file is read again for the refresh 5 minutes before.
        clock.advance(by: .seconds(3600 - 240))
        let renewed = try await provider.credentials()
        #expect(renewed.accessKeyID != credentials.accessKeyID)
        #expect(read.withLock { $0 } == 2)
    }
}
