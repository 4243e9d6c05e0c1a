import RelayCore

/// A HEC status: the numeric `code` clients match on, its HTTP status and Splunk's text.
struct HECStatus: Error, Sendable, Equatable {
    let code: Int
    let httpStatus: Int
    let text: String

    static let success = HECStatus(code: 0, httpStatus: 200, text: "Success")
    static let tokenDisabled = HECStatus(code: 1, httpStatus: 403, text: "Token disabled")
    static let tokenRequired = HECStatus(code: 2, httpStatus: 401, text: "Token is required")
    static let invalidAuthorization = HECStatus(code: 3, httpStatus: 401, text: "Invalid authorization")
    static let invalidToken = HECStatus(code: 4, httpStatus: 403, text: "Invalid token")
    static let noData = HECStatus(code: 5, httpStatus: 400, text: "No data")
    static let invalidDataFormat = HECStatus(code: 6, httpStatus: 400, text: "Invalid data format")
    static let incorrectIndex = HECStatus(code: 7, httpStatus: 400, text: "Incorrect index")
    static let internalError = HECStatus(code: 8, httpStatus: 500, text: "Internal server error")
    static let serverBusy = HECStatus(code: 9, httpStatus: 503, text: "Server is busy")
    static let channelMissing = HECStatus(code: 10, httpStatus: 400, text: "Data channel is missing")
    static let invalidChannel = HECStatus(code: 11, httpStatus: 400, text: "Invalid data channel")
    static let ackDisabled = HECStatus(code: 14, httpStatus: 400, text: "ACK is disabled")
    static let eventRequired = HECStatus(code: 12, httpStatus: 400, text: "Event field is required")
    static let eventBlank = HECStatus(code: 13, httpStatus: 400, text: "Event field cannot be blank")
    static let indexedFieldsError = HECStatus(code: 15, httpStatus: 400, text: "Error in handling indexed fields")
    static let queryStringAuthDisabled = HECStatus(
        code: 16, httpStatus: 400, text: "Query string authorization is not enabled"
    )
    static let healthy = HECStatus(code: 17, httpStatus: 200, text: "HEC is healthy")
    static let unhealthy = HECStatus(code: 18, httpStatus: 503, text: "HEC is unhealthy, queues are full")

    /// `{"text","code"}` plus `"invalid-event-number"` when an event is to blame and `"ackId"` when
    /// the events before it were indexed on a channel with acknowledgement.
    func body(invalidEventNumber: Int? = nil, ackID: Int64? = nil) -> JSONValue {
        var object = JSONObject(["text": .string(text), "code": .number(JSONNumber(code))])
        if let invalidEventNumber { object["invalid-event-number"] = .number(JSONNumber(invalidEventNumber)) }
        if let ackID { object["ackId"] = .number(JSONNumber(ackID)) }
        return .object(object)
    }
}

/// Turns an event POST's (inflated) body into indexed events, in order, as HEC does: the events
/// before the first invalid one are indexed, that one and every later one are not, and the answer
/// names it (`invalid-event-number`, zero-based). Pure: no I/O, no state.
struct HECBatchValidator: Sendable {
    /// Indexes the token may write to; empty means any.
    let allowedIndexes: Set<String>
    let defaultIndex: String
    let channel: String?

    /// Why a batch was refused, which event (zero-based) when one is to blame, and the events
    /// before it, which HEC indexes all the same.
    struct Rejection: Error, Sendable, Equatable {
        let status: HECStatus
        let invalidEventNumber: Int?
        var indexed: [HECIndexedEvent] = []
    }

    func validate(_ body: [UInt8]) throws(Rejection) -> [HECIndexedEvent] {
        guard body.contains(where: { !Self.isWhitespace($0) }) else {
            throw Rejection(status: .noData, invalidEventNumber: nil)
        }
        var values: [JSONValue]
        var syntaxError: JSONParser.ConcatenatedError?
        do {
            values = try JSONParser.parseConcatenated(body)
        } catch {
            values = error.parsed
            syntaxError = error
        }
        var events: [HECIndexedEvent] = []
        events.reserveCapacity(values.count)
        for (number, value) in values.enumerated() {
            do {
                events.append(try event(from: value))
            } catch {
                throw Rejection(status: error, invalidEventNumber: number, indexed: events)
            }
        }
        if let syntaxError {
            throw Rejection(status: .invalidDataFormat, invalidEventNumber: syntaxError.index, indexed: events)
        }
        return events
    }

    private func event(from value: JSONValue) throws(HECStatus) -> HECIndexedEvent {
        guard let object = value.objectValue else { throw .invalidDataFormat }
        guard let event = object["event"] else { throw .eventRequired }
        switch event {
        case .null: throw .eventBlank
        case .string(let text) where text.isEmpty: throw .eventBlank
        default: break
        }
        let index: String
        switch object["index"] {
        case nil, .null?: index = defaultIndex
        case .string(let name)?: index = name
        default: throw .incorrectIndex
        }
        guard allowedIndexes.isEmpty || allowedIndexes.contains(index) else { throw .incorrectIndex }
        let fields = try indexedFields(object["fields"])
        if let time = object["time"], !time.isNull {
            switch time {
            case .number: break
            case .string(let text) where Double(text) != nil: break
            default: throw .invalidDataFormat
            }
        }
        return HECIndexedEvent(
            index: index,
            host: try optionalString(object["host"]),
            source: try optionalString(object["source"]),
            sourcetype: try optionalString(object["sourcetype"]),
            time: object["time"].flatMap { $0.isNull ? nil : $0 },
            fields: fields,
            event: event,
            channel: channel
        )
    }

    /// `fields` must be an object of strings or arrays of strings.
    private func indexedFields(_ value: JSONValue?) throws(HECStatus) -> JSONObject {
        guard let value, !value.isNull else { return JSONObject() }
        guard let object = value.objectValue else { throw .indexedFieldsError }
        for member in object {
            switch member.value {
            case .string: continue
            case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): continue
            default: throw .indexedFieldsError
            }
        }
        return object
    }

    private func optionalString(_ value: JSONValue?) throws(HECStatus) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .invalidDataFormat
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
