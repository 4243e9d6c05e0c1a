import RelayCore

/// What survives an invocation for one source when state is kept in S3: its partitions'
/// checkpoints and the `event_id`s it delivered recently (so the look-back overlap a cycle re-reads
/// is not delivered twice), as one small JSON object.
public struct SourceState: Sendable, Equatable {
    /// Partition → checkpoint text (opaque; the source's own format).
    public var checkpoints: [String: String]
    /// Delivered `event_id` → the event's own time (epoch ms), pruned by age.
    public var ledger: [String: Int64]

    public init(checkpoints: [String: String] = [:], ledger: [String: Int64] = [:]) {
        self.checkpoints = checkpoints
        self.ledger = ledger
    }

    /// `{"version":1,"source":...,"checkpoints":{...},"ledger":{...},"updated_at":...}`, keys sorted.
    public func encoded(source: String, updatedAt: Timestamp) -> [UInt8] {
        var checkpointMembers = JSONObject()
        for (partition, value) in checkpoints.sorted(by: { $0.key < $1.key }) {
            checkpointMembers.append(key: partition, value: .string(value))
        }
        var ledgerMembers = JSONObject()
        for (eventID, time) in ledger.sorted(by: { $0.key < $1.key }) {
            ledgerMembers.append(key: eventID, value: .number(JSONNumber(time)))
        }
        var object = JSONObject()
        object.append(key: "version", value: 1)
        object.append(key: "source", value: .string(source))
        object.append(key: "checkpoints", value: .object(checkpointMembers))
        object.append(key: "ledger", value: .object(ledgerMembers))
        object.append(key: "updated_at", value: .string(updatedAt.iso8601))
        return JSONWriter.encode(.object(object))
    }

    /// Reads a stored object; throws `state.store` naming `what` when it is not one.
    public init(decoding bytes: [UInt8], what: String) throws(RelayError) {
        guard let object = (try? JSONParser.parse(bytes))?.objectValue else {
            throw RelayError(.stateStore, "\(what) is not a JSON object")
        }
        guard object["version"]?.int64Value == 1 else {
            throw RelayError(.stateStore, "\(what) has an unknown \"version\" (expected 1)")
        }
        var checkpoints: [String: String] = [:]
        for member in object["checkpoints"]?.objectValue ?? JSONObject() {
            guard let value = member.value.stringValue else {
                throw RelayError(.stateStore, "\(what): checkpoints.\(member.key) is not a string")
            }
            checkpoints[member.key] = value
        }
        var ledger: [String: Int64] = [:]
        for member in object["ledger"]?.objectValue ?? JSONObject() {
            guard let time = member.value.int64Value else {
                throw RelayError(.stateStore, "\(what): ledger.\(member.key) is not a number")
            }
            ledger[member.key] = time
        }
        self.init(checkpoints: checkpoints, ledger: ledger)
    }
}
