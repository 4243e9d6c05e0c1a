import RelayCore
import RelayState
import Testing

@Suite("State store partition leases")
struct LeaseTests {
    @Test(arguments: StoreKind.allCases) func oneOwnerAtATimeUntilTheLeaseLapses(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            let until = t0.advanced(by: .seconds(30))
            #expect(try await store.acquireLease(source: "genesys", partition: "*", owner: "a", until: until, now: t0))
            // Another instance cannot take it while it runs, however often it asks.
            let during = t0.advanced(by: .seconds(29))
            #expect(
                try await !store.acquireLease(
                    source: "genesys", partition: "*", owner: "b", until: during.advanced(by: .seconds(30)), now: during
                ))
            // Other partitions and sources are separate leases.
            #expect(
                try await store.acquireLease(source: "genesys", partition: "other", owner: "b", until: until, now: t0))
            #expect(try await store.acquireLease(source: "cxone", partition: "*", owner: "b", until: until, now: t0))

            // The holder extending keeps when it first took it.
            #expect(
                try await store.acquireLease(
                    source: "genesys", partition: "*", owner: "a", until: until.advanced(by: .seconds(10)), now: during)
            )
            let held = try #require(try await store.lease(source: "genesys", partition: "*"))
            #expect(held.owner == "a")
            #expect(held.acquiredAt == t0.timestamp)
            #expect(held.expiresAt == until.advanced(by: .seconds(10)).timestamp)

            // At its end, another instance takes it over.
            let lapsed = until.advanced(by: .seconds(10))
            #expect(
                try await store.acquireLease(
                    source: "genesys", partition: "*", owner: "b", until: lapsed.advanced(by: .seconds(30)), now: lapsed
                ))
            let taken = try #require(try await store.lease(source: "genesys", partition: "*"))
            #expect(taken.owner == "b")
            #expect(taken.acquiredAt == lapsed.timestamp)
        }
    }

    @Test(arguments: StoreKind.allCases) func renewalFailsOnceTakenAndReleaseHandsOverAtOnce(_ kind: StoreKind)
        async throws
    {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            #expect(
                try await store.acquireLease(
                    source: "s", partition: "p", owner: "a", until: t0.advanced(by: .seconds(30)), now: t0))
            #expect(
                try await store.renewLease(
                    source: "s", partition: "p", owner: "a", until: t0.advanced(by: .seconds(40))))
            #expect(
                try await !store.renewLease(
                    source: "s", partition: "p", owner: "b", until: t0.advanced(by: .seconds(40))))

            let later = t0.advanced(by: .seconds(40))
            #expect(
                try await store.acquireLease(
                    source: "s", partition: "p", owner: "b", until: later.advanced(by: .seconds(30)), now: later))
            #expect(
                try await !store.renewLease(
                    source: "s", partition: "p", owner: "a", until: later.advanced(by: .seconds(30))))

            // Releasing someone else's lease does nothing; releasing one's own frees it at once.
            try await store.releaseLease(source: "s", partition: "p", owner: "a")
            #expect(try await store.lease(source: "s", partition: "p")?.owner == "b")
            try await store.releaseLease(source: "s", partition: "p", owner: "b")
            #expect(try await store.lease(source: "s", partition: "p") == nil)
            #expect(
                try await store.acquireLease(
                    source: "s", partition: "p", owner: "a", until: later.advanced(by: .seconds(30)), now: later))
        }
    }

    @Test(arguments: StoreKind.allCases) func commitWithALostLeaseWritesNothing(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            let guardA = LeaseGuard(source: "genesys", partition: "*", owner: "a")
            let checkpoint = { (value: String) in
                CheckpointUpdate(source: "genesys", partition: "Routing", value: value)
            }
            #expect(
                try await store.acquireLease(
                    source: "genesys", partition: "*", owner: "a", until: t0.advanced(by: .seconds(30)), now: t0))
            let first = try await store.append(
                records("a", count: 2), deadLetters: [], checkpoint: checkpoint("c1"), lease: guardA, now: t0)
            #expect(first.accepted == 2)

            // Expired (nobody took it yet): a's commit is refused all the same.
            let late = t0.advanced(by: .seconds(30))
            let expired = await #expect(throws: RelayError.self) {
                try await store.append(
                    records("b", count: 2), deadLetters: [], checkpoint: checkpoint("c2"), lease: guardA, now: late)
            }
            #expect(expired?.code == .leaseLost)

            // Taken by b: a's commit is refused, b's goes through.
            #expect(
                try await store.acquireLease(
                    source: "genesys", partition: "*", owner: "b", until: late.advanced(by: .seconds(30)), now: late))
            let taken = await #expect(throws: RelayError.self) {
                try await store.append(
                    records("b", count: 2), deadLetters: [], checkpoint: checkpoint("c2"), lease: guardA, now: late)
            }
            #expect(taken?.code == .leaseLost)
            #expect(try await store.checkpoint(source: "genesys", partition: "Routing") == "c1")
            #expect(try await store.outboxDepth(sink: "splunk") == 2)

            let guardB = LeaseGuard(source: "genesys", partition: "*", owner: "b")
            let second = try await store.append(
                records("b", count: 2), deadLetters: [], checkpoint: checkpoint("c2"), lease: guardB, now: late)
            // The refused commits left nothing in the ledger either.
            #expect(second.accepted == 2)
            #expect(try await store.checkpoint(source: "genesys", partition: "Routing") == "c2")
        }
    }
}
