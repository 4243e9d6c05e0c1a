import Logging
import RelayTesting
import Testing

@testable import RelayCore
@testable import RelayState

/// Issue 18, item 4: dead letters were never purged by themselves. The janitor now deletes those
/// older than `state.dead_letter_retention_secs`, through the store's `purgeDeadLetters`.
@Suite("Dead-letter retention")
struct DeadLetterRetentionTests {
    static func draft(_ text: String) -> DeadLetterDraft {
        DeadLetterDraft(
            origin: "firehose", sink: nil, eventID: nil, payload: Array(text.utf8), reason: "records[0]: empty record",
            attempts: 0)
    }

    @Test(arguments: StoreKind.allCases) func janitorPurgesDeadLettersOlderThanTheRetentionAndKeepsYoungerOnes(
        _ kind: StoreKind
    ) async throws {
        try await withStore(kind) { subject in
            let store = subject.store
            let clock = ManualClock(start: t0)
            _ = try await store.append([], deadLetters: [Self.draft("old")], checkpoint: nil, now: clock.now)
            clock.advance(by: .seconds(20 * 86_400))
            _ = try await store.append([], deadLetters: [Self.draft("young")], checkpoint: nil, now: clock.now)
            clock.advance(by: .seconds(11 * 86_400))

            let keepForever = LedgerJanitor(
                store: store, retention: .seconds(7 * 86_400), deadLetterRetention: nil, clock: clock,
                logger: .quiet("test"))
            await keepForever.purge()
            #expect(try await store.deadLetters(limit: 10).count == 2)

            let janitor = LedgerJanitor(
                store: store, retention: .seconds(7 * 86_400), deadLetterRetention: .seconds(30 * 86_400), clock: clock,
                logger: .quiet("test"))
            await janitor.purge()
            let left = try await store.deadLetters(limit: 10)
            #expect(left.map { String(decoding: $0.payload, as: UTF8.self) } == ["young"])
        }
    }
}
