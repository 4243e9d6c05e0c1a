import RelayCore
import RelayHTTP

/// How Amazon Data Firehose judges an HTTP endpoint's answer to a delivery request (AWS, "HTTP
/// endpoint delivery request and response specifications"; PROTOCOLS.md).
enum FirehoseResponseVerdict: Equatable {
    /// A 200 of the required shape: the records are delivered.
    case accepted
    /// 413: a permanent failure; the batch is neither retried nor backed up to S3.
    case dropped
    /// Anything else, including a 200 that breaks the shape rules (Firehose counts it as a 500).
    case retry

    /// The largest response body Firehose accepts.
    static let maxResponseBytes = 1 << 20

    init(_ response: InboundResponse, requestID: String) {
        if response.status == 413 {
            self = .dropped
        } else if response.status == 200, Self.hasRequiredShape(response, requestID: requestID) {
            self = .accepted
        } else {
            self = .retry
        }
    }

    /// JSON of at most 1 MiB, `Content-Type: application/json`, no `Content-Encoding`, the same
    /// `requestId` and a numeric `timestamp`.
    private static func hasRequiredShape(_ response: InboundResponse, requestID: String) -> Bool {
        guard response.body.count <= maxResponseBytes, response.header("content-encoding") == nil,
            let contentType = response.header("content-type")?.lowercased(),
            contentType.hasPrefix("application/json"),
            let body = try? JSONParser.parse(response.body), case .object = body,
            body["requestId"]?.stringValue == requestID, body["timestamp"]?.int64Value != nil
        else { return false }
        return true
    }
}
