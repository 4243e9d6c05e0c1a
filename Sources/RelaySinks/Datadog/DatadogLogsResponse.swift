import RelayCore
import RelayHTTP

/// The fate of one intake request, from its HTTP status (docs/protocols.md, "SIEM endpoints": 202
/// delivered; 408, 429 and 5xx retriable, of which 429 and 502–504 say the intake is unavailable;
/// 400 and 413 refuse the request, which the sink splits to isolate the events at fault; 401 and
/// 403 the API key).
public enum DatadogLogsResponse {
    /// The fate of the logs of one request given the intake's answer; the reason quotes the
    /// status and the start of the body (Datadog's words), never the API key.
    public static func outcome(for response: InboundResponse) -> DeliveryOutcome {
        let status = response.status
        let words = "HTTP \(status): \(response.bodySnippet())"
        switch status {
        case 200..<300:
            return .delivered
        case 408, 429, 500...599:
            return .retry(status: status, reason: "Datadog intake answered \(words)", retryAfter: response.retryAfter)
        case 401, 403:
            return .credentialRejected(reason: "Datadog rejected the API key: \(words)")
        default:
            return .rejected(reason: "Datadog refused the logs: \(words)")
        }
    }
}
