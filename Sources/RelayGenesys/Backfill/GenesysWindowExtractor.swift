import Logging
import RelayCore

/// Extracts one ``GenesysAuditWindow`` through the asynchronous audit query, resumably: the
/// transaction id and the next cursor are committed with each page (same transaction as its
/// records), so an interrupted run resumes at the page after the last committed one.
///
/// Steps: read the window's checkpoint (done → nothing to do); submit the query unless a
/// transaction is recorded (and commit its id at once); poll its state with exponential backoff
/// (``pollPolicy``, no jitter: the transaction is ours alone) until `Succeeded`; page the results
/// by cursor. `Failed`/`Cancelled` throw `RelayError(.auditQueryFailed)` naming the service, window
/// and transaction, and clear the recorded transaction so the next run submits a new one; so does
/// a recorded transaction the platform no longer knows (404).
public struct GenesysWindowExtractor: Sendable {
    /// The query calls (its client decides how long to wait for rate limits).
    public let query: GenesysAsyncAuditQuery
    private let clock: any WallClock
    private let normalizer: GenesysAuditNormalizer
    /// Results per page, 1...500. Default 500.
    public var pageSize: Int
    /// Ask for user names (`expand=user`). Default `true`.
    public var expandUser: Bool
    /// Waits between state polls: 1 s doubling to 30 s; `maxAttempts` is unused.
    public var pollPolicy = RetryPolicy(maxAttempts: 1, initialBackoff: .seconds(1), maxBackoff: .seconds(30))
    /// Longest a transaction may stay queued or running before the window fails. Default 6 hours.
    public var transactionTimeout: Duration = .seconds(6 * 3600)

    /// - Parameters:
    ///   - query: The query calls.
    ///   - clock: Times the state polls.
    ///   - pageSize: Results per page (clamped to 1...500). Default 500.
    ///   - expandUser: Ask for user names. Default `true`.
    ///   - keepRaw: Keep the platform record in each event's `raw`. Default `false`.
    public init(
        query: GenesysAsyncAuditQuery, clock: any WallClock, pageSize: Int = 500, expandUser: Bool = true,
        keepRaw: Bool = false
    ) {
        self.query = query
        self.clock = clock
        self.normalizer = GenesysAuditNormalizer(keepRaw: keepRaw)
        self.pageSize = min(max(pageSize, 1), GenesysAsyncAuditQuery.maximumPageSize)
        self.expandUser = expandUser
    }

    /// Extracts `window`, checkpointing under `partition`; `onPage` hears of every committed page.
    public func run(
        _ window: GenesysAuditWindow, partition: String, into intake: any SourceSender, logger: Logger,
        onPage: @Sendable (BackfillWindowReport) -> Void = { _ in }
    ) async throws -> BackfillWindowReport {
        var logger = logger
        logger[metadataKey: "ccrelay.partition"] = "\(partition)"
        var report = BackfillWindowReport()
        var progress = GenesysWindowProgress.parse(try await intake.checkpoint(partition: partition))
        if progress.done {
            report.alreadyDone = true
            return report
        }
        let label = "service \(window.service), window \(window.start.iso8601)/\(window.end.iso8601)"
        if let transaction = progress.transaction {
            report.resumed = true
            do {
                try await awaitSuccess(transaction, label: label, partition: partition, intake: intake)
            } catch let error as RelayError where error.code == .requestRejected && error.message.contains("status 404")
            {
                logger.notice(
                    "Recorded audit query transaction is gone; submitting a new one",
                    metadata: ["ccrelay.transaction": "\(transaction)"])
                progress = GenesysWindowProgress()
            }
        }
        if progress.transaction == nil {
            let (id, _) = try await query.submit(service: window.service, start: window.start, end: window.end)
            progress = GenesysWindowProgress(transaction: id)
            try await intake.commit(partition: partition, events: [], malformed: [], checkpoint: progress.text)
            logger.debug("Genesys audit query submitted", metadata: ["ccrelay.transaction": "\(id)"])
            try await awaitSuccess(id, label: label, partition: partition, intake: intake)
        }
        guard let transaction = progress.transaction else { return report }
        var cursor = progress.cursor
        while true {
            try Task.checkCancellation()
            let page = try await query.results(
                id: transaction, cursor: cursor, pageSize: pageSize, expandUser: expandUser)
            var events: [Event] = []
            var malformed: [MalformedRecord] = []
            for entity in page.entities {
                do {
                    events.append(try normalizer.normalize(entity))
                } catch {
                    malformed.append(MalformedRecord(raw: JSONWriter.string(entity), reason: error.message))
                }
            }
            let next = GenesysWindowProgress(transaction: transaction, cursor: page.cursor, done: page.cursor == nil)
            let result = try await intake.commit(
                partition: partition, events: events, malformed: malformed, checkpoint: next.text)
            if !page.entities.isEmpty {
                report.pages += 1
                report.records += page.entities.count
                report.accepted += result.accepted
                report.duplicates += result.duplicates
                report.malformed += result.deadLettered
                onPage(report)
            }
            guard let nextCursor = page.cursor else { break }
            cursor = nextCursor
        }
        logger.debug(
            "Genesys audit window extracted",
            metadata: ["ccrelay.records": "\(report.records)", "ccrelay.pages": "\(report.pages)"])
        return report
    }

    /// Polls until `Succeeded`; a failed or cancelled transaction is cleared from the checkpoint and thrown.
    private func awaitSuccess(_ id: String, label: String, partition: String, intake: any SourceSender) async throws {
        let started = clock.now
        var polls = 0
        while true {
            let state = try await query.state(of: id)
            switch state {
            case .succeeded:
                return
            case .failed, .cancelled:
                try await intake.commit(
                    partition: partition, events: [], malformed: [], checkpoint: GenesysWindowProgress().text)
                throw RelayError(
                    .auditQueryFailed, "the audit query for \(label) ended \(state.rawValue) (transaction \(id))")
            case .queued, .running:
                guard started.duration(to: clock.now) < transactionTimeout else {
                    throw RelayError(
                        .auditQueryFailed,
                        "the audit query for \(label) was still \(state.rawValue) after \(Int64(transactionTimeout.seconds)) s (transaction \(id))"
                    )
                }
                polls += 1
                let delay = pollPolicy.ceiling(afterFailures: polls)
                try await clock.sleep(until: clock.now.advanced(by: delay), tolerance: nil)
            }
        }
    }
}
