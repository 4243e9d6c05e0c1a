import RelayCore

/// Looks at the pipeline once per evaluation and says, for every condition, whether it is active.
/// It remembers the dead-letter counts it saw, so "active" for dead letters means "new ones since
/// the last look". A condition it could not read (the store failed) is left out, keeping its state.
struct AlertObserver: Sendable {
    let sinks: [String]
    /// Every source (pull and push): each can dead-letter records that do not normalize.
    let sources: [String]
    /// Sources that run cycles, which can fail.
    let pullSources: [String]
    let store: any StateStore
    let telemetry: PipelineTelemetry
    let health: SinkHealth
    let outboxAgeLimit: Duration
    private var seenDeadLetters: [AlertCondition: Int] = [:]

    init(
        sinks: [String], sources: [String], pullSources: [String], store: any StateStore, telemetry: PipelineTelemetry,
        health: SinkHealth, outboxAgeLimit: Duration
    ) {
        self.sinks = sinks
        self.sources = sources
        self.pullSources = pullSources
        self.store = store
        self.telemetry = telemetry
        self.health = health
        self.outboxAgeLimit = outboxAgeLimit
    }

    mutating func observe(now: WallInstant) async -> [AlertObservation] {
        var observations: [AlertObservation] = []
        for sink in sinks {
            let counters = telemetry.sink(sink)
            observations.append(
                deadLetters(.sink(.deadLetters, sink), total: counters.deadLettered) { new in
                    "\(new) event(s) dead-lettered by sink \(sink); last error: \(counters.lastError ?? "none recorded")"
                })
            let credential = AlertCondition.sink(.credentialRejected, sink)
            if let reason = health.rejection(of: sink) {
                observations.append(
                    .active(credential, "the destination rejects the credential of sink \(sink): \(reason)"))
            } else {
                observations.append(.clear(credential))
            }
            if let observation = await outboxAge(of: sink, now: now) { observations.append(observation) }
            let acknowledgements = AlertCondition.sink(.acknowledgementsFailing, sink)
            if counters.acknowledgementsFailing {
                let message =
                    "acknowledgement polls of sink \(sink) failed \(counters.consecutiveAckPollFailures) time(s) in a row; "
                    + "last error: \(counters.lastAckPollError ?? "none recorded")"
                observations.append(.active(acknowledgements, message))
            } else {
                observations.append(.clear(acknowledgements))
            }
        }
        for source in sources {
            let counters = telemetry.source(source)
            observations.append(
                deadLetters(.source(.deadLetters, source), total: counters.malformed) { new in
                    "\(new) record(s) from source \(source) could not be normalized and were dead-lettered"
                })
        }
        for source in pullSources {
            let counters = telemetry.source(source)
            let condition = AlertCondition.source(.sourceFailing, source)
            if counters.consecutiveFailures > 0 {
                let message =
                    "source \(source) failed \(counters.consecutiveFailures) cycle(s) in a row; "
                    + "last error: \(counters.lastError ?? "none recorded")"
                observations.append(.active(condition, message))
            } else if let refused = counters.partitionFailureSummary {
                observations.append(.active(condition, "source \(source) is refused for part of its data: \(refused)"))
            } else {
                observations.append(.clear(condition))
            }
        }
        return observations
    }

    private func outboxAge(of sink: String, now: WallInstant) async -> AlertObservation? {
        let condition = AlertCondition.sink(.outboxStale, sink)
        let oldest: Timestamp?
        do {
            oldest = try await store.oldestEnqueued(sink: sink)
        } catch {
            return nil
        }
        guard let oldest else { return .clear(condition) }
        let age = WallInstant(oldest).duration(to: now)
        guard age > outboxAgeLimit else { return .clear(condition) }
        let message =
            "the oldest event in the outbox of sink \(sink) has waited \(Int(age.seconds)) s "
            + "(limit \(Int(outboxAgeLimit.seconds)) s), enqueued \(oldest.iso8601)"
        return .active(condition, message)
    }

    private mutating func deadLetters(_ condition: AlertCondition, total: Int, message: (Int) -> String)
        -> AlertObservation
    {
        let seen = seenDeadLetters[condition] ?? 0
        seenDeadLetters[condition] = total
        return total > seen ? .active(condition, message(total - seen)) : .clear(condition)
    }
}
