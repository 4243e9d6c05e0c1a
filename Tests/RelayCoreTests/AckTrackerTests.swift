import RelayCore
import Testing

private let start = WallInstant(sinceEpoch: .seconds(1_000))

private func rows(_ ids: ClosedRange<Int64>, bytes: Int = 10) -> [OutboxEntry] {
    ids.map {
        OutboxEntry(
            id: $0, eventID: "e\($0)", timestamp: Timestamp(millisecondsSinceEpoch: 0), platform: .genesys,
            payload: Array(repeating: 0x61, count: bytes), enqueuedAt: Timestamp(millisecondsSinceEpoch: 0))
    }
}

@Suite("Acknowledgement tracker")
struct AckTrackerTests {
    @Test("pending batches keep row ids and sizes; confirming removes them and updates the counts")
    func confirm() {
        var tracker = AckTracker()
        let a = AckToken(group: 0, id: 1)
        let b = AckToken(group: 0, id: 2)
        tracker.add(a, entries: rows(1...3), sentAt: start)
        tracker.add(b, entries: rows(4...5, bytes: 100), sentAt: start.advanced(by: .seconds(1)))
        #expect(tracker.count == 2)
        #expect(tracker.eventCount == 5)
        #expect(tracker.byteCount == 230)
        #expect(tracker.tokens == [a, b])

        let confirmed = tracker.confirm([b, AckToken(group: 0, id: 99)])
        #expect(confirmed.map(\.ids) == [[4, 5]])
        #expect(tracker.eventCount == 3)
        #expect(tracker.byteCount == 30)
        #expect(tracker.tokens == [a])
    }

    @Test("the event limit, not the number of batches, says when the tracker is full")
    func fullByEvents() {
        var tracker = AckTracker()
        for id in Int64(0)..<100 {
            tracker.add(AckToken(group: 0, id: id), entries: rows(id * 10...id * 10 + 9), sentAt: start)
        }
        #expect(!tracker.isFull(maxEvents: 1001))
        #expect(tracker.isFull(maxEvents: 1000))
        #expect(AcknowledgementConfiguration(maxPendingEvents: 5000).isFull(tracker) == false)
        #expect(AcknowledgementConfiguration(maxPendingEvents: 5000, maxPendingBatches: 100).isFull(tracker))
    }

    @Test("batches older than the timeout expire oldest first; younger ones stay")
    func expire() {
        var tracker = AckTracker()
        tracker.add(AckToken(group: 0, id: 2), entries: rows(3...4), sentAt: start.advanced(by: .seconds(5)))
        tracker.add(AckToken(group: 0, id: 1), entries: rows(1...2), sentAt: start)
        tracker.add(AckToken(group: 0, id: 3), entries: rows(5...5), sentAt: start.advanced(by: .seconds(50)))

        let expired = tracker.expire(now: start.advanced(by: .seconds(30)), timeout: .seconds(25))
        #expect(expired.map(\.ids) == [[1, 2], [3, 4]])
        #expect(tracker.tokens == [AckToken(group: 0, id: 3)])
        #expect(tracker.eventCount == 1)

        #expect(tracker.removeAll().map(\.ids) == [[5]])
        #expect(tracker.isEmpty && tracker.eventCount == 0 && tracker.byteCount == 0)
    }

    @Test("a token handed out again replaces its batch without counting the old one twice")
    func replacedToken() {
        var tracker = AckTracker()
        tracker.add(AckToken(group: 0, id: 1), entries: rows(1...4), sentAt: start)
        tracker.add(AckToken(group: 0, id: 1), entries: rows(5...6), sentAt: start)
        #expect(tracker.count == 1)
        #expect(tracker.eventCount == 2)
    }
}
