import Foundation
import RelayAWS
import RelayAWSCore
import RelayCore
import RelayHTTP
import Testing

@testable import RelayLambda

/// The S3 state object against a real `moto_server` with authentication on (started by
/// `scripts/test`, described by `MOTO_ENDPOINT`, `MOTO_ACCESS_KEY_ID`, `MOTO_SECRET_ACCESS_KEY`).
/// Without those variables these tests fail and say so. moto 5.2.1 implements conditional
/// PutObject: `If-None-Match: *` and `If-Match` answer 412 PreconditionFailed (and `If-Match` on a
/// missing key 404 NoSuchKey), as S3 does.
@Suite struct S3StateIntegrationTests {
    static func store() async throws -> S3SourceStateStore {
        let environment = ProcessInfo.processInfo.environment
        let hint = "is not set: run scripts/test, which starts moto_server with authentication on for these tests"
        let endpoint = try #require(environment["MOTO_ENDPOINT"], "MOTO_ENDPOINT \(hint)")
        let keyID = try #require(environment["MOTO_ACCESS_KEY_ID"], "MOTO_ACCESS_KEY_ID \(hint)")
        let secret = try #require(environment["MOTO_SECRET_ACCESS_KEY"], "MOTO_SECRET_ACCESS_KEY \(hint)")
        var generator = SystemRandomNumberGenerator()
        let suffix = (0..<6).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }.joined()
        let client = S3Client(
            bucket: "ccrelay-lambda-\(suffix)", region: "us-east-1", endpoint: endpoint,
            credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret), transport: HTTPTransport(),
            clock: SystemClock())
        try await client.createBucket()
        return S3SourceStateStore(client: client, prefix: "state")
    }

    @Test func overlappingInvocationsCannotBothAdvanceTheCheckpoint() async throws {
        let store = try await Self.store()
        let now = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        // Two invocations read the (absent) state; the first write wins, the second is refused.
        let readByA = try await store.load(source: "genesys")
        let readByB = try await store.load(source: "genesys")
        #expect(readByA.etag == nil)
        let writtenByA = try await store.save(
            source: "genesys", state: SourceState(checkpoints: ["Routing": "A1"], ledger: ["e1": 1]), over: readByA,
            now: now)
        await #expect(throws: RelayError.self) {
            try await store.save(
                source: "genesys", state: SourceState(checkpoints: ["Routing": "B1"]), over: readByB, now: now)
        }
        // Same race on an existing object: If-Match on the ETag both read.
        let againA = try await store.load(source: "genesys")
        let againB = try await store.load(source: "genesys")
        #expect(againA.etag == writtenByA.etag)
        _ = try await store.save(
            source: "genesys", state: SourceState(checkpoints: ["Routing": "A2"]), over: againA, now: now)
        do {
            _ = try await store.save(
                source: "genesys", state: SourceState(checkpoints: ["Routing": "B2"]), over: againB, now: now)
            Issue.record("a stale write was accepted")
        } catch let error as RelayError {
            #expect(error.code == .stateConflict)
        }
        let final = try await store.load(source: "genesys")
        #expect(final.state.checkpoints["Routing"] == "A2")
    }
}
