import RelayCore
import RelayHTTP

/// Reads a `_bulk` answer (docs/protocols.md, "Elasticsearch / OpenSearch"): the whole request's
/// status first, then, for a 200, each item's `status` in request order.
enum ElasticsearchBulkResponse {
    /// The fate of one item.
    enum Item: Equatable {
        /// Created (2xx), or already there (409 version conflict on `create`: a resend).
        case delivered
        /// 429 or 5xx for this item alone: sent again later.
        case retry(DeliveryOutcome)
        /// Refused for good (mapping, parsing): the reason names the error type and reason.
        case rejected(String)
    }

    /// The whole request's fate when it was not a 200 answering item by item; nil for a 200.
    static func requestOutcome(for response: InboundResponse) -> DeliveryOutcome? {
        let status = response.status
        let words = "HTTP \(status): \(response.bodySnippet())"
        switch status {
        case 200: return nil
        case 201..<300: return .delivered
        case 408, 429, 500...599:
            return .retry(status: status, reason: "Elasticsearch answered \(words)", retryAfter: response.retryAfter)
        case 401, 403: return .credentialRejected(reason: "Elasticsearch refused the credentials: \(words)")
        default: return .rejected(reason: "Elasticsearch refused the bulk request: \(words)")
        }
    }

    /// The items of a 200 answer, or nil when the body is not a `_bulk` answer for `count` items.
    static func items(_ body: [UInt8], count: Int) -> [Item]? {
        guard let document = try? JSONParser.parse(body), let items = document["items"]?.arrayValue,
            items.count == count
        else { return nil }
        var fates: [Item] = []
        fates.reserveCapacity(count)
        for item in items {
            // Each item is `{"create": {...}}` (or the action the request used).
            guard let result = item.objectValue?.members.first?.value, let status = result["status"]?.int64Value
            else { return nil }
            fates.append(fate(status: Int(status), error: result["error"]))
        }
        return fates
    }

    private static func fate(status: Int, error: JSONValue?) -> Item {
        if (200..<300).contains(status) || status == 409 { return .delivered }
        let type = error?["type"]?.stringValue ?? "unknown"
        let reason = error?["reason"]?.stringValue ?? error?.stringValue ?? ""
        let words = "item status \(status), \(type): \(String(reason.prefix(300)))"
        if status == 429 || status >= 500 {
            return .retry(.retry(status: status, reason: "Elasticsearch answered \(words)", retryAfter: nil))
        }
        return .rejected("Elasticsearch refused the event: \(words)")
    }
}
