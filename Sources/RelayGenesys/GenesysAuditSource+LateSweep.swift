import Logging
import RelayCore
import Synchronization

/// When each service of one source last finished a late-record sweep. In memory: the first sweep
/// of a service comes one interval after its first cycle (also after a restart, whose catch-up
/// already re-read everything from the checkpoint's look-back edge).
final class GenesysLateSweepSchedule: Sendable {
    private let lastSweeps = Mutex<[String: WallInstant]>([:])

    /// Whether `service` is due for a sweep at `now`, `interval` after its last one; the first
    /// question about a service starts its schedule and answers `false`.
    func isDue(_ service: String, now: WallInstant, interval: Duration) -> Bool {
        guard interval > .zero else { return false }
        return lastSweeps.withLock { lastSweeps in
            guard let last = lastSweeps[service] else {
                lastSweeps[service] = now
                return false
            }
            return now >= last.advanced(by: interval)
        }
    }

    func markDone(_ service: String, at now: WallInstant) {
        lastSweeps.withLock { $0[service] = now }
    }
}

extension GenesysAuditSource {
    /// Every `lateSweepInterval`, re-reads the `lateSweepWindow` behind the look-back edge
    /// (`before`) through the same paced client, for records the platform persisted later than
    /// the look-back. The checkpoint does not move; the ledger drops what was already read, and
    /// what is new counts in ``CycleReport/outOfOrder``. A sweep that throws is tried again next
    /// cycle.
    func sweepLateRecords(
        service: String, before edge: Timestamp, now: WallInstant, into intake: any SourceSender,
        report: inout CycleReport, logger: Logger
    ) async throws {
        guard lateSweeps.isDue(service, now: now, interval: configuration.lateSweepInterval) else { return }
        let oldestServed = now.advanced(by: .zero - configuration.realtimeRetention + Self.retentionMargin)
        let start = max(now.advanced(by: .zero - configuration.lateSweepWindow), oldestServed).timestamp
        if start < edge {
            let before = report.outOfOrder
            _ = try await readRealtime(
                service: service, from: start, to: edge, into: intake, report: &report, logger: logger,
                advancing: nil)
            if report.outOfOrder > before {
                logger.notice(
                    "Genesys audit late-record sweep found records older than the look-back",
                    metadata: ["ccrelay.records": "\(report.outOfOrder - before)", "ccrelay.from": "\(start)"])
            }
        }
        lateSweeps.markDone(service, at: now)
    }
}
