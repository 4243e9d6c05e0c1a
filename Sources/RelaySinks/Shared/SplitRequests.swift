import RelayCore

/// Sends one batch as several requests (ranges from ``RequestSplitter``) and settles it from their
/// answers, the same way for every sink whose destination answers per request (Datadog, Sentinel):
/// - a request delivered settles its entries;
/// - a refused credential, or an outage, before anything went through: the whole batch waits;
/// - a request of one entry refused: that entry is at fault (dead-lettered);
/// - a request of several refused before anything went through: the worker bisects the batch until
///   the entries at fault stand alone;
/// - any other failure: this request and the ones not yet sent are retried later (refused entries
///   lead the retry, whose first request, refused again, makes the worker bisect them).
enum SplitRequests {
    /// - Parameters:
    ///   - ids: outbox row ids of the entries the ranges index.
    ///   - batchSize: entries in the whole batch, including any the caller settled in `fates` already.
    ///   - othersSettled: the caller settled some of the batch already (so an outage cannot make the
    ///     whole batch wait).
    ///   - destination: names the destination in the reason of an unexpected outcome.
    ///   - fates: the batch's settlement so far; the requests' fates are added.
    ///   - partial: the outcome of a partly settled batch (the caller may count what it settles).
    ///   - send: sends the entries of one range.
    static func deliver(
        ids: [Int64], ranges: [Range<Int>], batchSize: Int, othersSettled: Bool = false, destination: String,
        fates: inout PartialDelivery,
        partial: (PartialDelivery) -> DeliveryOutcome = { .partial($0) },
        send: (Range<Int>) async -> DeliveryOutcome
    ) async -> DeliveryOutcome {
        for (position, range) in ranges.enumerated() {
            let outcome = await send(range)
            let requestIDs = Array(ids[range])
            switch outcome {
            case .delivered:
                fates.delivered += requestIDs
                continue
            case .credentialRejected where fates.delivered.isEmpty:
                return outcome
            case .unavailable where fates.delivered.isEmpty && !othersSettled:
                return outcome
            case .rejected(let reason) where batchSize == 1:
                return .rejected(reason: reason)
            case .rejected(let reason) where requestIDs.count == 1:
                fates.rejected[requestIDs[0]] = reason
                continue
            case .rejected(let reason) where fates.delivered.isEmpty:
                return .poisoned(index: nil, reason: reason)
            case .retriable, .unavailable:
                fates.noteRetry(outcome)
            case .rejected(let reason), .credentialRejected(let reason):
                fates.retryReason = reason
            default:
                fates.retryReason = "unexpected outcome from \(destination)"
            }
            fates.retriable += ranges[position...].flatMap { ids[$0] }
            break
        }
        if fates.delivered.count == batchSize { return .delivered }
        if fates.retriable.count == batchSize { return fates.wholeBatchRetry }
        return partial(fates)
    }
}
