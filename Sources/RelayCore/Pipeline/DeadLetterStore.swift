/// A stored dead letter.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int64
    public var origin: String
    public var sink: String?
    public var eventID: String?
    public var payload: [UInt8]
    public var reason: String
    public var attempts: Int
    public var createdAt: Timestamp
    /// The event's own time, for delivery dead letters (replay restores it).
    public var timestamp: Timestamp?
    public var platform: Platform?

    public init(
        id: Int64, origin: String, sink: String?, eventID: String?, payload: [UInt8], reason: String, attempts: Int,
        createdAt: Timestamp, timestamp: Timestamp? = nil, platform: Platform? = nil
    ) {
        self.timestamp = timestamp
        self.platform = platform
        self.id = id
        self.origin = origin
        self.sink = sink
        self.eventID = eventID
        self.payload = payload
        self.reason = reason
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// The dead letters: what could not be delivered or normalized, kept with its reason for an operator.
public protocol DeadLetterStore: Sendable {
    /// Dead letters, newest first.
    func deadLetters(limit: Int) async throws -> [DeadLetter]

    /// One dead letter by id.
    func deadLetter(id: Int64) async throws -> DeadLetter?

    /// Puts delivery dead letters back into their sink's outbox (same event_id and payload) and removes
    /// them from the dead letters, in one transaction. `ids: nil` means every dead letter (of `sink`
    /// when given). Intake dead letters (no sink: records that never normalized) are not replayable
    /// and stay. Returns how many were replayed.
    func replayDeadLetters(ids: [Int64]?, sink: String?, now: WallInstant) async throws -> Int

    /// Deletes dead letters created before `cutoff`; returns how many.
    func purgeDeadLetters(createdBefore cutoff: WallInstant) async throws -> Int
}
