import RelayCore

/// The verdict of `GET /readyz`: ready when the state store answers a cheap query in time and no
/// sink has its credential rejected.
public struct Readiness: Sendable, Equatable {
    /// Why the instance is not ready (empty when it is).
    public var reasons: [String]

    public var isReady: Bool { reasons.isEmpty }

    public init(reasons: [String]) {
        self.reasons = reasons
    }

    /// How long the state store may take to answer. 2 s.
    public static let storeTimeout: Duration = .seconds(2)

    /// Checks the store (one keyed read, bounded by `timeout` on the pipeline's clock) and the
    /// sinks' credential health.
    public static func check(_ pipeline: ObservedPipeline, timeout: Duration = storeTimeout) async -> Readiness {
        var reasons: [String] = []
        if let problem = await storeProblem(pipeline.store, clock: pipeline.clock, timeout: timeout) {
            reasons.append("state store: \(problem)")
        }
        for (sink, reason) in pipeline.health.rejectedSinks.sorted(by: { $0.key < $1.key }) {
            reasons.append("sink \(sink): credential rejected: \(reason)")
        }
        return Readiness(reasons: reasons)
    }

    private static func storeProblem(_ store: any StateStore, clock: any WallClock, timeout: Duration) async -> String?
    {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    _ = try await store.value(forKey: "ccrelay.readiness_probe")
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(until: clock.now.advanced(by: timeout), tolerance: nil)
                    return "no answer within \(timeout.seconds) s"
                } catch {
                    return nil  // cancelled: the query answered first
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The response body: `{"status":"ready"}` or `{"status":"not_ready","reasons":[...]}`.
    public var json: String {
        var object = JSONObject()
        object.append(key: "status", value: .string(isReady ? "ready" : "not_ready"))
        if !isReady { object.append(key: "reasons", value: .array(reasons.map { .string($0) })) }
        return JSONWriter.string(.object(object))
    }
}
