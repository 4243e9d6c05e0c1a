import RelayCore
import RelayState
import Testing

@Suite("State store claims")
struct ClaimTests {
    @Test(arguments: StoreKind.allCases) func claimRespectsMaxEvents(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append(records("m", count: 5, size: 100))
            let lease = t0.advanced(by: .seconds(30))
            let first = try await store.claim(sink: "splunk", maxEvents: 2, maxBytes: .max, now: t0, leaseUntil: lease)
            #expect(first.map(\.eventID) == ["m-0", "m-1"])
            let second = try await store.claim(sink: "splunk", maxEvents: 2, maxBytes: .max, now: t0, leaseUntil: lease)
            #expect(second.map(\.eventID) == ["m-2", "m-3"])
            // A non-positive limit still hands out one row, never stalls the worker.
            let third = try await store.claim(sink: "splunk", maxEvents: 0, maxBytes: .max, now: t0, leaseUntil: lease)
            #expect(third.map(\.eventID) == ["m-4"])
            #expect(
                try await store.claim(sink: "splunk", maxEvents: 2, maxBytes: .max, now: t0, leaseUntil: lease).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func claimRespectsMaxBytesAndTakesAtLeastOne(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append(records("b", count: 5, size: 100))
            let lease = t0.advanced(by: .seconds(30))
            // 200 bytes fit in 250, a third row would not.
            let two = try await store.claim(sink: "splunk", maxEvents: 10, maxBytes: 250, now: t0, leaseUntil: lease)
            #expect(two.map(\.eventID) == ["b-0", "b-1"])
            // Exactly at the limit is inside it.
            let exact = try await store.claim(sink: "splunk", maxEvents: 10, maxBytes: 200, now: t0, leaseUntil: lease)
            #expect(exact.map(\.eventID) == ["b-2", "b-3"])
            // A row larger than the whole budget is still claimed, alone.
            let oversized = try await store.claim(
                sink: "splunk", maxEvents: 10, maxBytes: 10, now: t0, leaseUntil: lease)
            #expect(oversized.map(\.eventID) == ["b-4"])
        }
    }

    @Test(arguments: StoreKind.allCases) func claimOnlySeesItsOwnSink(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append([record("s1", sinks: ["datadog"]), record("s2", sinks: ["splunk"])])
            #expect(try await store.claimAll("splunk").map(\.eventID) == ["s2"])
            #expect(try await store.claimAll("sumo").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func claimedRowsAreNotClaimedAgainUntilTheLeaseExpires(_ kind: StoreKind)
        async throws
    {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append(records("l", count: 3))
            let leaseUntil = t0.advanced(by: .seconds(30))
            let claimed = try await store.claim(
                sink: "splunk", maxEvents: 10, maxBytes: .max, now: t0, leaseUntil: leaseUntil)
            #expect(claimed.count == 3)

            let during = t0.advanced(by: .seconds(29))
            #expect(try await store.claimAll(now: during).isEmpty)
            // Claimed rows still count as waiting.
            #expect(try await store.outboxDepth(sink: "splunk") == 3)

            // A row appended meanwhile is claimable on its own.
            try await store.append([record("late")], now: during)
            #expect(try await store.claimAll(now: during).map(\.eventID) == ["late"])

            // At the lease time the rows are claimable again (a crashed worker's batch is redelivered).
            let again = try await store.claimAll(now: leaseUntil)
            #expect(again == claimed)
        }
    }

    @Test(arguments: StoreKind.allCases) func releasedRowsAreClaimableAtOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append(records("r", count: 3))
            let claimed = try await store.claimAll()
            try await store.release(sink: "splunk", ids: [claimed[0].id, claimed[2].id])
            #expect(try await store.claimAll().map(\.eventID) == ["r-0", "r-2"])
            // Releasing under another sink's name does nothing.
            try await store.release(sink: "datadog", ids: [claimed[1].id])
            #expect(try await store.claimAll().isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func acknowledgedIDsAreNeverReused(_ kind: StoreKind) async throws {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append([record("x")])
            let first = try await store.claimAll()
            try await store.acknowledge(sink: "splunk", ids: first.map(\.id))
            try await store.append([record("y")])
            let second = try await store.claimAll()
            // A stale acknowledgement of the first id cannot delete the new row.
            #expect(second[0].id > first[0].id)
            try await store.acknowledge(sink: "splunk", ids: first.map(\.id))
            #expect(try await store.outboxDepth(sink: "splunk") == 1)
        }
    }

    @Test(arguments: StoreKind.allCases) func rowsGivenBackAmongHeldOnesAreClaimedInIDOrder(_ kind: StoreKind)
        async throws
    {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append(records("h", count: 8, size: 100))
            let lease = t0.advanced(by: .seconds(600))
            let first = try await store.claim(sink: "splunk", maxEvents: 4, maxBytes: .max, now: t0, leaseUntil: lease)
            let second = try await store.claim(sink: "splunk", maxEvents: 3, maxBytes: .max, now: t0, leaseUntil: lease)
            // Rows awaiting acknowledgement stay held; two in their midst are given back.
            try await store.release(sink: "splunk", ids: [second[1].id, first[1].id])
            try await store.append([record("h-late", size: 100)])
            // Only 250 bytes: the two given back fit, the next row does not.
            let given = try await store.claim(sink: "splunk", maxEvents: 10, maxBytes: 250, now: t0, leaseUntil: lease)
            #expect(given.map(\.eventID) == ["h-1", "h-5"])
            #expect(try await store.claimAll().map(\.eventID) == ["h-7", "h-late"])
            // Given back again, with one row delivered meanwhile: the others come back, in order.
            try await store.acknowledge(sink: "splunk", ids: [first[0].id])
            try await store.release(sink: "splunk", ids: [second[2].id, first[0].id, first[3].id])
            #expect(try await store.claimAll().map(\.eventID) == ["h-3", "h-6"])
        }
    }

    @Test(arguments: StoreKind.allCases) func rowsMovedInBelowWhatTheSinkClaimedAreClaimable(_ kind: StoreKind)
        async throws
    {
        try await withStore(kind) { (subject) async throws in
            let store = subject.store
            try await store.append([record("to-move", sinks: ["splunk"]), record("fallback-own", sinks: ["archive"])])
            // The fallback sink has claimed past the row that is about to move into it.
            #expect(try await store.claimAll("archive").map(\.eventID) == ["fallback-own"])
            let moving = try await store.claimAll("splunk")
            try await store.move(sink: "splunk", ids: moving.map(\.id), toSink: "archive")
            #expect(try await store.claimAll("archive").map(\.eventID) == ["to-move"])
            #expect(try await store.claimAll("splunk").isEmpty)
        }
    }
}
