import RelayCore

/// The state store of one scheduled invocation whose durable state lives elsewhere (an S3 object per
/// source): in memory, seeded with the sources' checkpoints and ledgers, and keeping a journal of
/// every committed page so that, after delivery, ``snapshot(source:ledgerCutoff:)`` can tell how far
/// each partition's checkpoint may move: up to the last page whose events, and every earlier
/// page's, were all delivered. Nothing undelivered is ever passed.
public actor InvocationStateStore: StateStore {
    private struct Row {
        var entry: OutboxEntry
        var sink: String
        var claimedUntil: WallInstant?
    }

    /// One committed page.
    private struct Page {
        var partition: String
        var checkpoint: String?
        /// Outbox row ids of the events this page accepted.
        var rows: [Int64]
        var events: [(eventID: String, time: Int64)]
    }

    private struct Key: Hashable {
        var source: String
        var partition: String
    }

    private var seeded: [String: SourceState]
    private var checkpoints: [Key: String] = [:]
    private var ledger: Set<String> = []
    private var rows: [Int64: Row] = [:]
    private var nextID: Int64 = 1
    private var journal: [String: [Page]] = [:]
    /// Pages committed without a checkpoint (no source or partition known): while one is undelivered,
    /// no checkpoint moves.
    private var unattributed: [Page] = []
    /// Rows that left their outbox undelivered (dead letters).
    private var failedRows: Set<Int64> = []
    private var deadLetterList: [DeadLetter] = []
    private var values: [String: String] = [:]

    /// A store seeded with each source's stored state (source name → state).
    public init(seed: [String: SourceState] = [:]) {
        self.seeded = [:]
        for (source, state) in seed {
            seeded[source] = state
            for (partition, value) in state.checkpoints {
                checkpoints[Key(source: source, partition: partition)] = value
            }
            ledger.formUnion(state.ledger.keys)
        }
    }

    /// Seeds the store with each source's stored state (source name → state), before any append.
    public func seed(_ states: [String: SourceState]) {
        for (source, state) in states {
            seeded[source] = state
            for (partition, value) in state.checkpoints {
                checkpoints[Key(source: source, partition: partition)] = value
            }
            ledger.formUnion(state.ledger.keys)
        }
    }

    /// The state to store for `source` after delivery: checkpoints moved to the delivered frontier,
    /// the ledger with every event delivered now and the seeded entries no older than `ledgerCutoff`.
    public func snapshot(source: String, ledgerCutoff: Timestamp) -> SourceState {
        var state = seeded[source] ?? SourceState()
        state.ledger = state.ledger.filter { $0.value >= ledgerCutoff.millisecondsSinceEpoch }
        var blocked: Set<String> = []
        let everythingBlocked = unattributed.contains { !isDelivered($0) }
        for page in journal[source] ?? [] {
            if isDelivered(page) {
                for event in page.events { state.ledger[event.eventID] = event.time }
            } else {
                blocked.insert(page.partition)
            }
            if !everythingBlocked, !blocked.contains(page.partition), let checkpoint = page.checkpoint {
                state.checkpoints[page.partition] = checkpoint
            }
        }
        return state
    }

    private func isDelivered(_ page: Page) -> Bool {
        page.rows.allSatisfy { rows[$0] == nil && !failedRows.contains($0) }
    }

    /// Rows still waiting in any outbox.
    public var undeliveredCount: Int { rows.count }

    // MARK: StateStore

    public func checkpoint(source: String, partition: String) async throws -> String? {
        checkpoints[Key(source: source, partition: partition)]
    }

    public func append(
        _ records: [PendingRecord], deadLetters: [DeadLetterDraft], checkpoint: CheckpointUpdate?, lease: LeaseGuard?,
        now: WallInstant
    ) async throws -> AppendResult {
        var result = AppendResult()
        var page = Page(partition: checkpoint?.partition ?? "", checkpoint: checkpoint?.value, rows: [], events: [])
        for record in records {
            guard ledger.insert(record.eventID).inserted else {
                result.duplicates += 1
                continue
            }
            result.accepted += 1
            page.events.append((record.eventID, record.timestamp.millisecondsSinceEpoch))
            for sink in record.sinks {
                let id = nextID
                nextID += 1
                let entry = OutboxEntry(
                    id: id, eventID: record.eventID, timestamp: record.timestamp, platform: record.platform,
                    payload: record.payload, enqueuedAt: now.timestamp)
                rows[id] = Row(entry: entry, sink: sink)
                page.rows.append(id)
            }
        }
        for draft in deadLetters {
            result.deadLettered += 1
            recordDeadLetter(
                draft.origin, sink: nil, eventID: draft.eventID, payload: draft.payload, reason: draft.reason,
                attempts: draft.attempts, now: now, timestamp: nil, platform: nil)
        }
        if let checkpoint {
            checkpoints[Key(source: checkpoint.source, partition: checkpoint.partition)] = checkpoint.value
            journal[checkpoint.source, default: []].append(page)
        } else if !page.rows.isEmpty {
            unattributed.append(page)
        }
        return result
    }

    public func claim(sink: String, maxEvents: Int, maxBytes: Int, now: WallInstant, leaseUntil: WallInstant)
        async throws
        -> [OutboxEntry]
    {
        var claimed: [OutboxEntry] = []
        var bytes = 0
        for id in rows.keys.sorted() {
            guard var row = rows[id], row.sink == sink, row.claimedUntil.map({ $0 <= now }) ?? true else { continue }
            if !claimed.isEmpty, claimed.count >= maxEvents || bytes + row.entry.payload.count > maxBytes { break }
            row.claimedUntil = leaseUntil
            rows[id] = row
            claimed.append(row.entry)
            bytes += row.entry.payload.count
        }
        return claimed
    }

    public func acknowledge(sink: String, ids: [Int64]) async throws {
        for id in ids where rows[id]?.sink == sink { rows[id] = nil }
    }

    public func release(sink: String, ids: [Int64]) async throws {
        for id in ids where rows[id]?.sink == sink { rows[id]?.claimedUntil = nil }
    }

    public func deadLetter(sink: String, entries: [OutboxEntry], reason: String, attempts: Int, now: WallInstant)
        async throws
    {
        for entry in entries where rows[entry.id]?.sink == sink {
            rows[entry.id] = nil
            failedRows.insert(entry.id)
            recordDeadLetter(
                sink, sink: sink, eventID: entry.eventID, payload: entry.payload, reason: reason,
                attempts: attempts, now: now, timestamp: entry.timestamp, platform: entry.platform)
        }
    }

    public func outboxDepth(sink: String) async throws -> Int {
        rows.values.filter { $0.sink == sink }.count
    }

    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        Array(deadLetterList.reversed().prefix(limit))
    }

    public func purgeLedger(acceptedBefore cutoff: WallInstant) async throws -> Int { 0 }

    public func move(sink: String, ids: [Int64], toSink: String) async throws {
        for id in ids where rows[id]?.sink == sink {
            rows[id]?.sink = toSink
            rows[id]?.claimedUntil = nil
        }
    }

    public func oldestEnqueued(sink: String) async throws -> Timestamp? {
        rows.values.filter { $0.sink == sink }.map(\.entry.enqueuedAt).min()
    }

    public func deadLetter(id: Int64) async throws -> DeadLetter? {
        deadLetterList.first { $0.id == id }
    }

    /// Dead letters are not replayed inside an invocation; the next invocation re-reads their pages.
    public func replayDeadLetters(ids: [Int64]?, sink: String?, now: WallInstant) async throws -> Int { 0 }

    public func purgeDeadLetters(createdBefore cutoff: WallInstant) async throws -> Int { 0 }

    public func value(forKey key: String) async throws -> String? { values[key] }

    public func setValue(_ value: String, forKey key: String) async throws { values[key] = value }

    public func removeValue(forKey key: String) async throws { values[key] = nil }

    // MARK: Partition leases: one invocation is alone in its own store; overlapping invocations are
    // kept apart by the conditional write of the durable state instead.

    public func acquireLease(source: String, partition: String, owner: String, until: WallInstant, now: WallInstant)
        async throws -> Bool
    { true }

    public func renewLease(source: String, partition: String, owner: String, until: WallInstant) async throws -> Bool {
        true
    }

    public func releaseLease(source: String, partition: String, owner: String) async throws {}

    public func lease(source: String, partition: String) async throws -> PartitionLease? { nil }

    public nonisolated func close() throws {}

    private func recordDeadLetter(
        _ origin: String, sink: String?, eventID: String?, payload: [UInt8], reason: String, attempts: Int,
        now: WallInstant,
        timestamp: Timestamp?, platform: Platform?
    ) {
        deadLetterList.append(
            DeadLetter(
                id: Int64(deadLetterList.count + 1), origin: origin, sink: sink, eventID: eventID, payload: payload,
                reason: reason, attempts: attempts, createdAt: now.timestamp, timestamp: timestamp, platform: platform))
    }
}
