import RelayCore

/// Checks an OTLP/JSON `ExportLogsServiceRequest` against the specification's JSON encoding:
/// lowerCamelCase field names, 64-bit integers (`timeUnixNano`, `intValue`) as decimal strings,
/// enums (`severityNumber`) as integers, `traceId` / `spanId` as hex (not base64), an `AnyValue`
/// with at most one value. Unknown fields are ignored, as the specification requires of receivers.
/// A violation throws a ``Problem`` naming the field's path.
enum OTLPLogsRequestShape {
    struct Problem: Error {
        let message: String
    }

    /// The records of a well-formed request, each with its resource and scope.
    static func records(of body: JSONValue) throws(Problem) -> [OTLPStoredLogRecord] {
        guard let request = body.objectValue else { throw Problem(message: "the body is not a JSON object") }
        var records: [OTLPStoredLogRecord] = []
        for (r, resourceLogs) in try list(request["resourceLogs"], "resourceLogs").enumerated() {
            let path = "resourceLogs[\(r)]"
            let entry = try object(resourceLogs, path)
            var resource: [String: JSONValue] = [:]
            if let value = entry["resource"] {
                let attributes = try object(value, path + ".resource")["attributes"]
                for (key, value) in try keyValues(attributes, path + ".resource.attributes") {
                    resource[key] = value
                }
            }
            for (s, scopeLogs) in try list(entry["scopeLogs"], path + ".scopeLogs").enumerated() {
                let scopePath = "\(path).scopeLogs[\(s)]"
                let scope = try object(scopeLogs, scopePath)
                var scopeName: String?
                if let value = scope["scope"] {
                    scopeName = try object(value, scopePath + ".scope")["name"]?.stringValue
                }
                for (l, record) in try list(scope["logRecords"], scopePath + ".logRecords").enumerated() {
                    let record = try logRecord(record, "\(scopePath).logRecords[\(l)]")
                    records.append(
                        OTLPStoredLogRecord(resourceAttributes: resource, scopeName: scopeName, record: record))
                }
            }
        }
        return records
    }

    private static func logRecord(_ value: JSONValue, _ path: String) throws(Problem) -> JSONObject {
        let record = try object(value, path)
        for field in ["timeUnixNano", "observedTimeUnixNano"] {
            if let time = record[field] { try uint64String(time, "\(path).\(field)") }
        }
        if let severity = record["severityNumber"] {
            guard case .number(let number) = severity, let value = number.int64Value, (0...24).contains(value) else {
                throw Problem(message: "\(path).severityNumber: expected an integer from 0 to 24 (enums are integers)")
            }
        }
        if let text = record["severityText"], text.stringValue == nil {
            throw Problem(message: "\(path).severityText: expected a string")
        }
        if let body = record["body"] { try anyValue(body, "\(path).body") }
        _ = try keyValues(record["attributes"], "\(path).attributes")
        try hexID(record["traceId"], bytes: 16, "\(path).traceId")
        try hexID(record["spanId"], bytes: 8, "\(path).spanId")
        return record
    }

    /// A `KeyValue` list as key → `AnyValue`.
    private static func keyValues(_ value: JSONValue?, _ path: String) throws(Problem) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = []
        for (index, element) in try list(value, path).enumerated() {
            let pair = try object(element, "\(path)[\(index)]")
            guard let key = pair["key"]?.stringValue else {
                throw Problem(message: "\(path)[\(index)].key: expected a string")
            }
            let value = pair["value"] ?? .object(JSONObject())
            try anyValue(value, "\(path)[\(index)].value")
            pairs.append((key, value))
        }
        return pairs
    }

    private static func anyValue(_ value: JSONValue, _ path: String) throws(Problem) {
        let holder = try object(value, path)
        let kinds = ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"]
        let present = kinds.filter { holder[$0] != nil }
        guard present.count <= 1 else {
            throw Problem(message: "\(path): an AnyValue holds one value, found \(present.joined(separator: ", "))")
        }
        guard let kind = present.first, let inner = holder[kind] else { return }
        let innerPath = "\(path).\(kind)"
        switch kind {
        case "stringValue", "bytesValue":
            if inner.stringValue == nil { throw Problem(message: "\(innerPath): expected a string") }
        case "boolValue":
            if inner.boolValue == nil { throw Problem(message: "\(innerPath): expected true or false") }
        case "intValue":
            guard let text = inner.stringValue, Int64(text) != nil else {
                throw Problem(message: "\(innerPath): expected a 64-bit integer as a decimal string")
            }
        case "doubleValue":
            guard case .number = inner else { throw Problem(message: "\(innerPath): expected a number") }
        case "arrayValue":
            for (index, element) in try list(try object(inner, innerPath)["values"], innerPath + ".values")
                .enumerated()
            {
                try anyValue(element, "\(innerPath).values[\(index)]")
            }
        default:
            _ = try keyValues(try object(inner, innerPath)["values"], innerPath + ".values")
        }
    }

    /// A fixed64 written as the JSON mapping writes 64-bit integers: a decimal string.
    private static func uint64String(_ value: JSONValue, _ path: String) throws(Problem) {
        guard let text = value.stringValue, UInt64(text) != nil else {
            throw Problem(message: "\(path): expected nanoseconds as a decimal string")
        }
    }

    /// An id as the OTLP/JSON encoding writes it: hex of `bytes` bytes, or empty (absent).
    private static func hexID(_ value: JSONValue?, bytes: Int, _ path: String) throws(Problem) {
        guard let value else { return }
        guard let text = value.stringValue else { throw Problem(message: "\(path): expected a hex string") }
        guard text.isEmpty || (text.utf8.count == bytes * 2 && text.allSatisfy(\.isHexDigit)) else {
            throw Problem(message: "\(path): expected \(bytes * 2) hex digits (ids are hex, not base64)")
        }
    }

    private static func object(_ value: JSONValue, _ path: String) throws(Problem) -> JSONObject {
        guard let object = value.objectValue else { throw Problem(message: "\(path): expected an object") }
        return object
    }

    /// A repeated field: absent is empty.
    private static func list(_ value: JSONValue?, _ path: String) throws(Problem) -> [JSONValue] {
        guard let value else { return [] }
        guard let array = value.arrayValue else { throw Problem(message: "\(path): expected an array") }
        return array
    }
}
