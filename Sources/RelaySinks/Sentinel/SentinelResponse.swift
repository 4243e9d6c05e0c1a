import RelayCore
import RelayHTTP

/// The fate of one Logs Ingestion API request from its HTTP status (docs/protocols.md, "Microsoft
/// Sentinel (Logs Ingestion API)"): 204 (any 2xx) accepted; 408, 429 and 5xx retried, honouring
/// `Retry-After`; 401 and 403 the token or the app's role on the DCR; 400 and 413 refuse the
/// request, which the sink splits to isolate the rows at fault.
public enum SentinelResponse {
    /// The fate of the rows of one request; the reason quotes the status and the start of the body
    /// (Azure's error code and message), never the token.
    public static func outcome(for response: InboundResponse) -> DeliveryOutcome {
        let status = response.status
        let words = "HTTP \(status): \(response.bodySnippet())"
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500...599:
            return .retry(
                status: status, reason: "Logs Ingestion API answered \(words)", retryAfter: response.retryAfter)
        case 401, 403:
            return .credentialRejected(reason: "Logs Ingestion API rejected the token: \(words)")
        default:
            return .rejected(reason: "Logs Ingestion API refused the rows: \(words)")
        }
    }
}
