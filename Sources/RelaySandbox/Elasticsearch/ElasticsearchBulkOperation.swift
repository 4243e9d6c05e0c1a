import RelayCore

/// One action and its source from a `_bulk` body.
struct ElasticsearchBulkOperation {
    /// Why a body is not a `_bulk` body (Elasticsearch refuses the whole request).
    struct Malformed: Error {
        let message: String
    }

    /// `create` or `index`.
    var action: String
    var index: String
    var id: String
    /// The source document; nil when its line is not a JSON object.
    var source: JSONObject?

    /// The operations of an NDJSON body, action line then source line each.
    static func parse(_ body: [UInt8], pathIndex: String?) throws(Malformed) -> [ElasticsearchBulkOperation] {
        let lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard lines.last.map({ _ in body.last == UInt8(ascii: "\n") }) ?? false else {
            throw Malformed(message: "The bulk request must be terminated by a newline [\\n]")
        }
        var operations: [ElasticsearchBulkOperation] = []
        var position = 0
        while position < lines.count {
            guard let actionLine = try? JSONParser.parse(lines[position]), let action = actionLine.objectValue,
                action.count == 1, let (name, meta) = action.members.first.map({ ($0.key, $0.value) })
            else { throw Malformed(message: "Malformed action/metadata line [\(position + 1)]") }
            guard name == "create" || name == "index" else {
                throw Malformed(message: "Unsupported action [\(name)] in this emulator (create, index)")
            }
            guard let index = meta["_index"]?.stringValue ?? pathIndex else {
                throw Malformed(message: "Validation Failed: 1: index is missing;")
            }
            guard position + 1 < lines.count else {
                throw Malformed(message: "The bulk request must be terminated by a newline [\\n]")
            }
            let source = (try? JSONParser.parse(lines[position + 1]))?.objectValue
            let id = meta["_id"]?.stringValue ?? "auto-\(operations.count)"
            operations.append(ElasticsearchBulkOperation(action: name, index: index, id: id, source: source))
            position += 2
        }
        return operations
    }
}

/// What one item came to.
enum ElasticsearchItemResult {
    case created
    case failure(Int, String, String)

    /// The item as `_bulk` answers it: `{"create": {"_index", "_id", "status", ...}}`.
    func item(for operation: ElasticsearchBulkOperation) -> JSONValue {
        var result = JSONObject(["_index": .string(operation.index), "_id": .string(operation.id)])
        switch self {
        case .created:
            result["_version"] = 1
            result["result"] = "created"
            result["_shards"] = ["total": 2, "successful": 1, "failed": 0]
            result["status"] = 201
        case .failure(let status, let type, let reason):
            result["status"] = .number(JSONNumber(status))
            result["error"] = [
                "type": .string(type), "reason": .string(reason), "index": .string(operation.index),
            ]
        }
        return .object(JSONObject([JSONObject.Member(key: operation.action, value: .object(result))]))
    }
}
