import GRDB
import RelayCore
import RelayState
import Testing

@Suite("State store append")
struct AppendTests {
    @Test(arguments: StoreKind.allCases) func appendClaimAcknowledgeRoundTrip(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            let batch = records("rt", count: 3)
            let result = try await store.append(batch)
            #expect(result == AppendResult(accepted: 3, duplicates: 0, deadLettered: 0))
            #expect(try await store.outboxDepth(sink: "splunk") == 3)

            let claimed = try await store.claimAll()
            #expect(claimed.map(\.eventID) == batch.map(\.eventID))
            #expect(claimed.map(\.payload) == batch.map(\.payload))
            #expect(claimed.allSatisfy { $0.platform == .genesys && $0.enqueuedAt == t0.timestamp })
            #expect(claimed.map(\.timestamp) == batch.map(\.timestamp))
            #expect(claimed.map(\.id) == claimed.map(\.id).sorted())

            try await store.acknowledge(sink: "splunk", ids: claimed.map(\.id))
            #expect(try await store.outboxDepth(sink: "splunk") == 0)
            #expect(try await store.claimAll(now: t0.advanced(by: .seconds(300))).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func emptyPayloadRoundTrips(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append([record("empty", size: 0)])
            let claimed = try await store.claimAll()
            #expect(claimed.count == 1)
            #expect(claimed.first?.payload == [])
        }
    }

    @Test(arguments: StoreKind.allCases) func duplicateAcrossAppendsIsDropped(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            #expect(try await store.append([record("a"), record("b")]).accepted == 2)
            let second = try await store.append([record("b"), record("c")], now: t0.advanced(by: .seconds(60)))
            #expect(second == AppendResult(accepted: 1, duplicates: 1))
            #expect(try await store.claimAll().map(\.eventID) == ["a", "b", "c"])
        }
    }

    @Test(arguments: StoreKind.allCases) func duplicateWithinOneAppendIsDropped(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            let result = try await store.append([record("a"), record("a"), record("b"), record("a")])
            #expect(result == AppendResult(accepted: 2, duplicates: 2))
            #expect(try await store.claimAll().map(\.eventID) == ["a", "b"])
        }
    }

    @Test(arguments: StoreKind.allCases) func oneEventToTwoSinksGivesOneRowInEach(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            // The repeated sink name must not enqueue twice.
            try await store.append([record("e", sinks: ["splunk", "datadog", "splunk"])])
            #expect(try await store.outboxDepth(sink: "splunk") == 1)
            #expect(try await store.outboxDepth(sink: "datadog") == 1)

            let splunk = try await store.claimAll("splunk")
            // Acknowledging with the wrong sink's name touches nothing.
            try await store.acknowledge(sink: "datadog", ids: splunk.map(\.id))
            #expect(try await store.outboxDepth(sink: "datadog") == 1)
            try await store.acknowledge(sink: "splunk", ids: splunk.map(\.id))
            #expect(try await store.outboxDepth(sink: "splunk") == 0)
            #expect(try await store.claimAll("datadog").map(\.payload) == [payload(for: "e")])
        }
    }

    @Test(arguments: StoreKind.allCases) func unroutedRecordEntersTheLedgerOnly(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            #expect(try await store.append([record("nowhere", sinks: [])]).accepted == 1)
            #expect(try await store.outboxDepth(sink: "splunk") == 0)
            #expect(try await store.append([record("nowhere")]).duplicates == 1)
        }
    }

    @Test(arguments: StoreKind.allCases) func checkpointCommitsWithRecords(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            #expect(try await store.checkpoint(source: "genesys", partition: "audits") == nil)
            try await store.append(
                records("p1", count: 2), deadLetters: [],
                checkpoint: CheckpointUpdate(source: "genesys", partition: "audits", value: "cursor-1"), now: t0)
            #expect(try await store.checkpoint(source: "genesys", partition: "audits") == "cursor-1")
            #expect(try await store.outboxDepth(sink: "splunk") == 2)

            // A checkpoint-only append (an empty page) still moves it; other partitions stay apart.
            try await store.append(
                [], deadLetters: [],
                checkpoint: CheckpointUpdate(source: "genesys", partition: "audits", value: "cursor-2"), now: t0)
            #expect(try await store.checkpoint(source: "genesys", partition: "audits") == "cursor-2")
            #expect(try await store.checkpoint(source: "genesys", partition: "routing") == nil)
        }
    }

    /// An empty event_id can never be a real deterministic id; the schema refuses it, and the
    /// refusal comes after the valid records of the same page were written, so it tests rollback.
    @Test(arguments: StoreKind.allCases) func failingAppendWithInvalidRecordLeavesNothing(_ kind: StoreKind)
        async throws
    {
        try await withStore(kind) { (subject) async throws in
            let (store, path) = (subject.store, subject.location)
            let bad = PendingRecord(
                eventID: "", timestamp: Timestamp(millisecondsSinceEpoch: 0), platform: .cxone, payload: [1],
                sinks: ["splunk"])
            let error = await #expect(throws: RelayError.self) {
                try await store.append(
                    [record("good-1"), record("good-2"), bad], deadLetters: [],
                    checkpoint: CheckpointUpdate(source: "cxone", partition: "p", value: "after"), now: t0)
            }
            #expect(error?.code == .stateStore)
            #expect(error?.message.contains("append") == true)
            #expect(error?.message.contains(path) == true)

            #expect(try await store.outboxDepth(sink: "splunk") == 0)
            #expect(try await store.checkpoint(source: "cxone", partition: "p") == nil)
            // The ledger rolled back too: the good records are new on the next attempt.
            #expect(try await store.append([record("good-1"), record("good-2")]).accepted == 2)
        }
    }

    /// A second connection installs a trigger that makes the checkpoint write (the last statement of
    /// an append) fail: the records written before it in the same transaction must vanish.
    @Test(arguments: StoreKind.allCases) func failingCheckpointWriteRollsBackRecords(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let (store, path) = (subject.store, subject.location)
            try await subject.execute(
                sqlite: """
                    CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON checkpoints
                    BEGIN SELECT RAISE(ABORT, 'checkpoint refused'); END
                    """,
                postgres: [
                    """
                    CREATE FUNCTION refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'checkpoint refused'; END $$
                    """,
                    "CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_checkpoint()",
                ])
            let checkpoint = CheckpointUpdate(source: "genesys", partition: "audits", value: "c1")
            let error = await #expect(throws: RelayError.self) {
                try await store.append(
                    records("page", count: 5),
                    deadLetters: [
                        DeadLetterDraft(
                            origin: "genesys", sink: nil, eventID: nil, payload: [0x7B], reason: "bad json", attempts: 1
                        )
                    ],
                    checkpoint: checkpoint, now: t0)
            }
            #expect(error?.code == .stateStore)
            #expect(try await store.outboxDepth(sink: "splunk") == 0)
            #expect(try await store.deadLetters(limit: 10).isEmpty)
            #expect(try await store.checkpoint(source: "genesys", partition: "audits") == nil)

            try await subject.execute(
                sqlite: "DROP TRIGGER refuse_checkpoint", postgres: ["DROP TRIGGER refuse_checkpoint ON checkpoints"])
            let retried = try await store.append(
                records("page", count: 5), deadLetters: [], checkpoint: checkpoint, now: t0)
            #expect(retried.accepted == 5)
            #expect(try await store.checkpoint(source: "genesys", partition: "audits") == "c1")
        }
    }

    @Test(arguments: StoreKind.allCases) func concurrentAppendsLoseNothing(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            let tasks = 8
            let pages = 20
            let perPage = 25
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        var accepted = 0
                        for page in 0..<pages {
                            // Every task also offers the same shared ids, which must be accepted once.
                            let batch = records("t\(task)-p\(page)", count: perPage) + [record("shared-\(page)")]
                            let result = try await store.append(
                                batch, deadLetters: [],
                                checkpoint: CheckpointUpdate(source: "s", partition: "t\(task)", value: "\(page)"),
                                now: t0)
                            #expect(result.accepted + result.duplicates == batch.count)
                            accepted += result.accepted
                        }
                        return accepted
                    }
                }
                return try await group.reduce(0, +)
            }
            let expected = tasks * pages * perPage + pages
            #expect(accepted == expected)
            #expect(try await store.outboxDepth(sink: "splunk") == expected)
            let claimed = try await store.claimAll()
            #expect(Set(claimed.map(\.eventID)).count == expected)
            for task in 0..<tasks {
                #expect(try await store.checkpoint(source: "s", partition: "t\(task)") == "\(pages - 1)")
            }
        }
    }
}

/// Opens an independent connection on the store's file (as another process would), runs `body`
/// in a transaction and closes it.
func withSecondHandle(_ path: String, _ body: @escaping @Sendable (Database) throws -> Void) async throws {
    let queue = try DatabaseQueue(path: path)
    try await queue.write(body)
    try queue.close()
}
