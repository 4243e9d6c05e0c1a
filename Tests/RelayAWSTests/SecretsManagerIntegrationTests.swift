import Foundation
import RelayAWSCore
import RelayCore
import RelayHTTP
import Testing

@testable import RelayAWS

/// The Secrets Manager client against the real `moto_server` that `scripts/test` starts with
/// authentication on (`MOTO_ENDPOINT`, `MOTO_ACCESS_KEY_ID`, `MOTO_SECRET_ACCESS_KEY`). Without
/// those variables these tests fail and say so.
@Suite struct SecretsManagerIntegrationTests {
    static func client(_ moto: S3IntegrationTests.Moto, secret: String? = nil) -> SecretsManagerClient {
        var credentials = moto.credentials
        if let secret { credentials.secretAccessKey = secret }
        return SecretsManagerClient(
            region: "us-east-1", endpoint: moto.endpoint, credentials: credentials, transport: HTTPTransport(),
            clock: SystemClock())
    }

    /// A secret name of its own per test, so tests run side by side.
    static func freshName(_ prefix: String) -> String {
        "ccrelay-test/\(prefix)-\(UUID().uuidString.prefix(8))"
    }

    @Test func readsTheCurrentVersionAndSeesARotation() async throws {
        let moto = try S3IntegrationTests.moto()
        let client = Self.client(moto)
        let name = Self.freshName("hec")
        let created = try await client.call(
            "CreateSecret", ["Name": .string(name), "SecretString": #"{"token":"first-token"}"#], naming: name)
        let first = try await client.getSecretValue(name)
        #expect(first.secretString == #"{"token":"first-token"}"#)
        #expect(first.versionID == created["VersionId"]?.stringValue)
        #expect(first.name == name)

        let put = try await client.call(
            "PutSecretValue", ["SecretId": .string(name), "SecretString": #"{"token":"second-token"}"#], naming: name)
        let second = try await client.getSecretValue(first.arn)
        #expect(second.secretString == #"{"token":"second-token"}"#)
        #expect(second.versionID == put["VersionId"]?.stringValue)
        #expect(second.versionID != first.versionID)
        #expect(!"\(second)".contains("second-token"))
    }

    @Test func aWrongSecretKeyIsAnAuthenticationErrorWithoutTheValue() async throws {
        let moto = try S3IntegrationTests.moto()
        let name = Self.freshName("refused")
        _ = try await Self.client(moto).call(
            "CreateSecret", ["Name": .string(name), "SecretString": "kept-private"], naming: name)
        let error = await #expect(throws: RelayError.self) {
            _ = try await Self.client(moto, secret: moto.credentials.secretAccessKey + "wrong").getSecretValue(name)
        }
        #expect(error?.code == .authentication)
        #expect(error?.message.contains("SignatureDoesNotMatch") == true)
        #expect(error?.message.contains("kept-private") == false)
        #expect(error?.message.contains(moto.credentials.secretAccessKey) == false)
    }

    @Test func anUnknownSecretIsAConfigurationErrorNamingIt() async throws {
        let moto = try S3IntegrationTests.moto()
        let error = await #expect(throws: RelayError.self) {
            _ = try await Self.client(moto).getSecretValue("ccrelay-test/does-not-exist")
        }
        #expect(error?.code == .configInvalid)
        #expect(error?.message.contains("ccrelay-test/does-not-exist") == true)
        #expect(error?.message.contains("ResourceNotFoundException") == true)
    }
}
