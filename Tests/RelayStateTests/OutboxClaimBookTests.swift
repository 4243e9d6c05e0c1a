import Testing

@testable import RelayState

@Suite("The SQLite store's in-memory book of claimed outbox rows")
struct OutboxClaimBookTests {
    @Test("rows come back in id order once their lease ends, and not before")
    func leaseEnd() {
        var book = OutboxClaimBook()
        book.hold(sink: "splunk", ids: [5, 3, 4], untilMS: 1_000)
        book.hold(sink: "splunk", ids: [9, 8], untilMS: 2_000)
        #expect(book.frontier(of: "splunk") == 9)
        #expect(book.takeReturned(sink: "splunk", nowMS: 999, limit: 10).isEmpty)
        #expect(book.takeReturned(sink: "splunk", nowMS: 1_000, limit: 2) == [3, 4])
        #expect(book.takeReturned(sink: "splunk", nowMS: 1_500, limit: 10) == [5])
        #expect(book.heldCount(sink: "splunk") == 2)
        #expect(book.takeReturned(sink: "splunk", nowMS: 2_000, limit: 10) == [8, 9])
        #expect(book.heldCount(sink: "splunk") == 0)
    }

    @Test("released rows are claimable at once; forgotten rows never come back; other sinks are apart")
    func releaseAndForget() {
        var book = OutboxClaimBook()
        book.hold(sink: "splunk", ids: Array(1...6), untilMS: 10_000)
        book.hold(sink: "datadog", ids: [7], untilMS: 10_000)
        book.release(sink: "splunk", ids: [4, 2, 99])
        book.forget(sink: "splunk", ids: [1, 3])
        #expect(book.takeReturned(sink: "splunk", nowMS: 0, limit: 10) == [2, 4])
        #expect(book.takeReturned(sink: "splunk", nowMS: 10_000, limit: 10) == [5, 6])
        #expect(book.heldCount(sink: "datadog") == 1)
    }

    @Test("rows moved in at or below the frontier are returned once, those above are left to the scan")
    func movedIn() {
        var book = OutboxClaimBook()
        book.hold(sink: "splunk", ids: [10], untilMS: 10_000)
        book.movedIn(sink: "splunk", ids: [4, 12])
        book.movedIn(sink: "splunk", ids: [4])
        book.movedIn(sink: "unknown", ids: [1])
        #expect(book.takeReturned(sink: "splunk", nowMS: 0, limit: 10) == [4])
        #expect(book.takeReturned(sink: "unknown", nowMS: 0, limit: 10).isEmpty)
    }

    @Test("a book holding half a million rows (a 10 s acknowledgement poll at 50,000 events/s) stays exact")
    func manyHeld() {
        var book = OutboxClaimBook()
        for batch in 0..<1_000 {
            let first = Int64(batch * 500 + 1)
            book.hold(sink: "splunk", ids: Array(first..<(first + 500)), untilMS: 60_000)
        }
        #expect(book.heldCount(sink: "splunk") == 500_000)
        for batch in stride(from: 0, to: 1_000, by: 2) {
            let first = Int64(batch * 500 + 1)
            book.forget(sink: "splunk", ids: Array(first..<(first + 500)))
        }
        book.release(sink: "splunk", ids: [501, 1_000])
        #expect(book.heldCount(sink: "splunk") == 249_998)
        #expect(book.takeReturned(sink: "splunk", nowMS: 0, limit: 10) == [501, 1_000])
        #expect(book.takeReturned(sink: "splunk", nowMS: 60_000, limit: 3) == [502, 503, 504])
    }
}
