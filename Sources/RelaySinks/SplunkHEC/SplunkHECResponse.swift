import RelayCore
import RelayHTTP

/// HEC's answer classified by its `code` (never its `text`), per the table in PROTOCOLS.md.
public enum SplunkHECResponse {
    /// The fields of a HEC JSON answer, when the body is one.
    public struct Answer: Sendable, Equatable {
        public var code: Int
        public var text: String
        public var invalidEventNumber: Int?
        public var ackID: Int64?
    }

    /// Parses a HEC JSON answer (`code`, `text`, `invalid-event-number`, `ackId`).
    public static func parse(_ body: [UInt8]) -> Answer? {
        guard let json = try? JSONParser.parse(body), let code = json["code"]?.int64Value else { return nil }
        return Answer(
            code: Int(code),
            text: json["text"]?.stringValue ?? "",
            invalidEventNumber: json["invalid-event-number"]?.int64Value.map { Int($0) },
            ackID: json["ackId"]?.int64Value
        )
    }

    /// The fate of a batch given HEC's response from endpoint number `endpoint`.
    public static func outcome(for response: InboundResponse, index: String?, endpoint: Int = 0) -> DeliveryOutcome {
        let answer = parse(response.body)
        let described = answer.map { "HEC code \($0.code) (\($0.text))" } ?? "body: \(response.bodySnippet())"
        let status = response.status
        if status == 200, let answer, answer.code == 0 {
            if let ackID = answer.ackID { return .awaitingAcknowledgement(AckToken(group: endpoint, id: ackID)) }
            return .delivered
        }
        switch answer?.code {
        case 9, 18, 19, 20:
            return .unavailable(reason: "HEC busy: \(described)", retryAfter: response.retryAfter)
        case 1, 2, 3, 4:
            return .credentialRejected(reason: "HEC rejected the token: \(described)")
        case 6, 12, 13, 15:
            let event = answer?.invalidEventNumber.map { "event #\($0) of the batch: " } ?? ""
            // With indexer acknowledgement, HEC gives the events it took before the invalid one an ackId.
            return .poisoned(
                index: answer?.invalidEventNumber, reason: "HEC refused \(event)\(described)",
                acknowledgement: answer?.ackID.map { AckToken(group: endpoint, id: $0) })
        case 7:
            return .rejected(reason: "HEC refused index \"\(index ?? "(token default)")\": \(described)")
        case 8:
            return .retriable(reason: "HEC internal error: \(described)", retryAfter: response.retryAfter)
        default:
            break
        }
        if status >= 500 || status == 408 || status == 429 {
            return .retry(status: status, reason: "HTTP \(status): \(described)", retryAfter: response.retryAfter)
        }
        if status == 401 || status == 403 {
            return .credentialRejected(reason: "HEC rejected the token: HTTP \(status), \(described)")
        }
        if status == 200 {
            // A 200 without HEC's JSON answer is not HEC (a proxy page, a misrouted endpoint): nothing
            // says the events were indexed, so they are sent again rather than assumed delivered.
            return .retriable(reason: "HTTP 200 without a HEC answer: \(described)", retryAfter: nil)
        }
        return .rejected(reason: "HTTP \(status): \(described)")
    }
}
