import RelayCore

/// What one scheduled invocation did, returned as its JSON response.
public struct ExtractionReport: Sendable, Equatable {
    /// How a source's cycle ended.
    public enum Cycle: String, Sendable, Equatable {
        case completed
        /// The cycle failed (its checkpoint stays where the last committed page put it).
        case failed
        /// The pull was stopped to leave time for delivery before the deadline.
        case stopped
    }

    /// What happened to a source's stored state.
    public enum Checkpoint: String, Sendable, Equatable {
        /// Committed with its pages in the durable store (``ExtractionState/store(_:)``).
        case committed
        /// Written to S3, moved up to the last page whose events were all delivered.
        case advanced
        /// Nothing to move (nothing new delivered).
        case unchanged
        /// Another invocation changed the object since it was read; this one's write was refused.
        case conflict
        /// The write failed.
        case failed
    }

    public struct Source: Sendable, Equatable {
        public var name: String
        public var cycle: Cycle
        public var checkpoint: Checkpoint
        public var accepted: Int

        public init(name: String, cycle: Cycle, checkpoint: Checkpoint, accepted: Int = 0) {
            self.name = name
            self.cycle = cycle
            self.checkpoint = checkpoint
            self.accepted = accepted
        }
    }

    public var sources: [Source] = []
    public var delivered = 0
    public var deadLettered = 0
    /// Events left undelivered at the deadline (in the store's outboxes, or re-read next time).
    public var remaining = 0
    /// Set when the invocation did nothing because too little time was left.
    public var skipped: String?

    public init() {}

    /// Every cycle completed, every event delivered, every checkpoint stored.
    public var succeeded: Bool {
        skipped == nil && remaining == 0 && deadLettered == 0
            && sources.allSatisfy { $0.cycle == .completed && $0.checkpoint != .conflict && $0.checkpoint != .failed }
    }

    /// `{"sources":{NAME:{"cycle":...,"checkpoint":...,"accepted":N}},"delivered":N,...}`.
    public var json: [UInt8] {
        var sourceMembers = JSONObject()
        for source in sources {
            sourceMembers.append(
                key: source.name,
                value: .object(
                    JSONObject([
                        "cycle": .string(source.cycle.rawValue), "checkpoint": .string(source.checkpoint.rawValue),
                        "accepted": .number(JSONNumber(source.accepted)),
                    ])))
        }
        var object = JSONObject()
        object.append(key: "sources", value: .object(sourceMembers))
        object.append(key: "delivered", value: .number(JSONNumber(delivered)))
        object.append(key: "dead_lettered", value: .number(JSONNumber(deadLettered)))
        object.append(key: "remaining", value: .number(JSONNumber(remaining)))
        if let skipped { object.append(key: "skipped", value: .string(skipped)) }
        return JSONWriter.encode(.object(object))
    }

    /// One line for an error message.
    public var summary: String {
        let parts = sources.map { "\($0.name): cycle \($0.cycle.rawValue), checkpoint \($0.checkpoint.rawValue)" }
        return (parts + ["delivered \(delivered)", "dead-lettered \(deadLettered)", "remaining \(remaining)"])
            .joined(separator: "; ")
    }
}
