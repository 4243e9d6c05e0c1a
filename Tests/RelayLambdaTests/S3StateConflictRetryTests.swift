import RelayCore
import RelayHTTP
import RelayTesting
import Synchronization
import Testing

@testable import RelayLambda

/// The conditional write of the S3 state object against a stub answering scripted statuses: a
/// `409 ConditionalRequestConflict` is retried with backoff on the injected clock, a `412` is a
/// lost race.
@Suite struct S3StateConflictRetryTests {
    /// Answers each PUT with the next scripted status (the last one repeats) and records the
    /// write conditions it received.
    final class ScriptedObjects: S3StateObjects {
        let bucket = "state-bucket"
        private let script: Mutex<(statuses: [Int], conditions: [String])>

        init(_ statuses: [Int]) {
            script = Mutex((statuses, []))
        }

        var conditions: [String] { script.withLock { $0.conditions } }

        func getObject(key: String) async throws(RelayError) -> InboundResponse {
            InboundResponse(status: 404, headers: [], body: [])
        }

        func putObject(
            key: String, body: [UInt8], contentType: String, extraHeaders: [(name: String, value: String)]
        ) async throws(RelayError) -> InboundResponse {
            let status = script.withLock { script in
                script.conditions += extraHeaders.map { "\($0.name): \($0.value)" }
                return script.statuses.count > 1 ? script.statuses.removeFirst() : script.statuses[0]
            }
            let error =
                "<Error><Code>\(status == 409 ? "ConditionalRequestConflict" : "PreconditionFailed")</Code></Error>"
            return InboundResponse(
                status: status, headers: status == 200 ? [("ETag", "\"v2\"")] : [],
                body: status == 200 ? [] : Array(error.utf8))
        }
    }

    static let now = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
    static let read = VersionedSourceState(state: SourceState(), etag: "\"v1\"")
    static let state = SourceState(checkpoints: ["Routing": "A2"])

    static func store(_ objects: ScriptedObjects, clock: ManualClock) -> S3SourceStateStore {
        S3SourceStateStore(
            objects: objects, prefix: "ccrelay-state", clock: clock,
            conflictRetry: S3SourceStateStore.defaultConflictRetry)
    }

    @Test func conflictIsRetriedUntilTheWriteGoesThrough() async throws {
        let objects = ScriptedObjects([409, 409, 200])
        let clock = ManualClock()
        let store = Self.store(objects, clock: clock)
        let written = try await clock.driving(step: .seconds(2)) {
            try await store.save(source: "genesys", state: Self.state, over: Self.read, now: Self.now)
        }
        #expect(written.etag == "\"v2\"")
        #expect(objects.conditions == Array(repeating: "If-Match: \"v1\"", count: 3))
        #expect(clock.now > ManualClock().now)
    }

    @Test func conflictThatOutlastsTheRetriesIsAFailureNotALostRace() async throws {
        let objects = ScriptedObjects([409])
        let clock = ManualClock()
        let store = Self.store(objects, clock: clock)
        do {
            _ = try await clock.driving(step: .seconds(2)) {
                try await store.save(source: "genesys", state: Self.state, over: Self.read, now: Self.now)
            }
            Issue.record("a write refused with 409 every time was reported as stored")
        } catch let error as RelayError {
            #expect(error.code == .httpStatus)
            #expect(error.message.contains("409"))
        }
        #expect(objects.conditions.count == S3SourceStateStore.defaultConflictRetry.maxAttempts)
    }

    @Test func preconditionFailedIsALostRaceAtOnce() async throws {
        let objects = ScriptedObjects([412, 200])
        let clock = ManualClock()
        let store = Self.store(objects, clock: clock)
        do {
            _ = try await store.save(source: "genesys", state: Self.state, over: Self.read, now: Self.now)
            Issue.record("a stale write was accepted")
        } catch let error as RelayError {
            #expect(error.code == .stateConflict)
        }
        #expect(objects.conditions.count == 1)
        #expect(clock.now == ManualClock().now)
    }
}
