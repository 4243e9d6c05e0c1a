/// The outbox rows a ``SQLiteStateStore`` instance has handed out, per sink, kept so that a claim
/// costs what it returns, not what is in flight.
///
/// Row ids only grow (`AUTOINCREMENT`), so each sink has a *frontier*: every row at or below it
/// was handed out once by this instance and is now held (claimed, awaiting delivery or
/// acknowledgement), returned (released, its lease ended, or moved in from another sink) or gone.
/// A claim takes returned rows first, in id order, then scans only past the frontier. Before, a
/// claim walked the sink's outbox from its oldest row and skipped the held ones, reading each
/// row's payload from disk: with thousands of batches awaiting acknowledgement every claim read
/// them all again.
struct OutboxClaimBook: Sendable {
    /// One sink's claims.
    struct Ledger: Sendable {
        /// Every row id at or below this was handed out by this instance.
        var frontier: Int64 = 0
        /// Held rows: id → lease end in epoch milliseconds.
        var held: [Int64: Int64] = [:]
        /// A lower bound of the earliest lease end among ``held``.
        var earliestLeaseEnd = Int64.max
        /// Rows at or below the frontier that may be claimed again, ascending from `next`.
        var returned: [Int64] = []
        var next = 0
        /// Returned since the last claim, not yet merged into ``returned``.
        var incoming: [Int64] = []
    }

    private var sinks: [String: Ledger] = [:]

    /// The highest row id of `sink` this instance handed out (rows above it were never claimed).
    func frontier(of sink: String) -> Int64 { sinks[sink]?.frontier ?? 0 }

    /// Takes up to `limit` returned row ids of `sink` in id order, after returning the held rows
    /// whose lease ended at or before `nowMS`. The caller holds what it uses and gives back the rest
    /// with ``giveBack(sink:ids:)``.
    mutating func takeReturned(sink: String, nowMS: Int64, limit: Int) -> [Int64] {
        guard sinks[sink] != nil else { return [] }
        return modify(sink) { ledger in ledger.takeReturned(nowMS: nowMS, limit: limit) }
    }

    /// Puts back returned ids a claim took but did not use (the batch was full).
    mutating func giveBack(sink: String, ids: [Int64]) {
        guard !ids.isEmpty else { return }
        sinks[sink, default: Ledger()].incoming += ids
    }

    /// Records `ids` of `sink` as held until `untilMS`; the frontier moves to the highest of them.
    mutating func hold(sink: String, ids: [Int64], untilMS: Int64) {
        guard let highest = ids.max() else { return }
        modify(sink) { ledger in
            for id in ids { ledger.held[id] = untilMS }
            ledger.earliestLeaseEnd = min(ledger.earliestLeaseEnd, untilMS)
            ledger.frontier = max(ledger.frontier, highest)
        }
    }

    /// Makes held rows of `sink` claimable again at once.
    mutating func release(sink: String, ids: [Int64]) {
        guard sinks[sink] != nil else { return }
        modify(sink) { ledger in
            for id in ids where ledger.held.removeValue(forKey: id) != nil { ledger.incoming.append(id) }
        }
    }

    /// Forgets held rows of `sink` that were removed or moved.
    mutating func forget(sink: String, ids: [Int64]) {
        guard sinks[sink] != nil else { return }
        modify(sink) { ledger in
            for id in ids { ledger.held[id] = nil }
        }
    }

    /// Rows moved into `sink` from another sink: those at or below its frontier would not be
    /// scanned again, so they are returned.
    mutating func movedIn(sink: String, ids: [Int64]) {
        guard let frontier = sinks[sink]?.frontier else { return }
        sinks[sink, default: Ledger()].incoming += ids.filter { $0 <= frontier }
    }

    /// Runs `body` on a ledger in place. Every change goes through the dictionary's in-place
    /// accessor: a ledger copied out and stored back shares its `held` table with the copy still
    /// in `sinks`, so the first change would copy the whole table (hundreds of thousands of ids
    /// while a 10 s acknowledgement poll's batches are pending) on every claim.
    private mutating func modify<Result>(_ sink: String, _ body: (inout Ledger) -> Result) -> Result {
        body(&sinks[sink, default: Ledger()])
    }

    /// Held rows of `sink` (for tests and diagnostics).
    func heldCount(sink: String) -> Int { sinks[sink]?.held.count ?? 0 }
}

extension OutboxClaimBook.Ledger {
    /// Up to `limit` returned row ids in id order, after returning the held rows whose lease ended
    /// at or before `nowMS`.
    fileprivate mutating func takeReturned(nowMS: Int64, limit: Int) -> [Int64] {
        if nowMS >= earliestLeaseEnd {
            var earliest = Int64.max
            var ended: [Int64] = []
            for (id, until) in held {
                if until <= nowMS { ended.append(id) } else { earliest = min(earliest, until) }
            }
            // Removed after the walk: removing while iterating would copy the table.
            for id in ended { held[id] = nil }
            incoming += ended
            earliestLeaseEnd = earliest
        }
        if !incoming.isEmpty {
            var merged = (returned[next...] + incoming).sorted()
            // An id returned twice (moved away and back) is claimed once.
            merged.removeAdjacentDuplicates()
            returned = merged
            next = 0
            incoming = []
        }
        let end = min(returned.count, next + max(0, limit))
        let taken = Array(returned[next..<end])
        next = end
        if next == returned.count {
            returned = []
            next = 0
        }
        return taken
    }
}

extension Array where Element: Equatable {
    /// Removes each element equal to the one before it (all duplicates, when sorted).
    fileprivate mutating func removeAdjacentDuplicates() {
        guard count > 1 else { return }
        var kept = 1
        for index in 1..<count where self[index] != self[kept - 1] {
            self[kept] = self[index]
            kept += 1
        }
        removeLast(count - kept)
    }
}
