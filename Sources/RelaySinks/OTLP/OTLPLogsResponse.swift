import RelayCore
import RelayHTTP

/// What an OTLP/HTTP server's answer to a logs export means (docs/protocols.md, "OpenTelemetry
/// OTLP/HTTP"). Pure: the sink acts on it.
public struct OTLPLogsResponse: Sendable, Equatable {
    /// How the sink treats the request's records.
    public enum Verdict: Sendable, Equatable {
        /// 2xx: the server took the request; `rejected` records of it (from `partialSuccess`) it
        /// dropped for good and must not be sent again.
        case accepted(rejected: Int, message: String)
        /// 400 or 413: the request as a whole is refused; one record can be the cause (a value the
        /// server cannot take, a record too large), so a batch of several is bisected.
        case refusedRequest(reason: String)
        /// Any other outcome (retry, outage, credential, refusal that splitting cannot help).
        case outcome(DeliveryOutcome)
    }

    /// The verdict.
    public let verdict: Verdict

    /// The verdict for `response`. Reasons quote the status and the server's `Status.message` (or
    /// the start of the body), never a header the sink sent.
    public init(_ response: InboundResponse) {
        let status = response.status
        let words = "HTTP \(status): \(Self.message(of: response))"
        switch status {
        case 200..<300:
            let partial = (try? JSONParser.parse(response.body))?["partialSuccess"]
            let rejected = partial?["rejectedLogRecords"].flatMap(Self.int64) ?? 0
            verdict = .accepted(
                rejected: Int(clamping: max(rejected, 0)), message: partial?["errorMessage"]?.stringValue ?? "")
        case 400, 413:
            verdict = .refusedRequest(reason: "the OTLP server refused the logs: \(words)")
        case 401, 403:
            verdict = .outcome(.credentialRejected(reason: "the OTLP server rejected the credentials: \(words)"))
        case 408, 429, 500...599:
            // The spec retries only 429, 502, 503 and 504 (as outages, honouring Retry-After);
            // 408 and other 5xx are retried too but use up attempts, then dead-letter.
            verdict = .outcome(
                .retry(status: status, reason: "the OTLP server answered \(words)", retryAfter: response.retryAfter))
        default:
            verdict = .outcome(.rejected(reason: "the OTLP server refused the logs: \(words)"))
        }
    }

    /// `message` of a `google.rpc.Status` JSON body, else the start of the body.
    static func message(of response: InboundResponse) -> String {
        if let message = (try? JSONParser.parse(response.body))?["message"]?.stringValue, !message.isEmpty {
            return message.count > 300 ? String(message.prefix(300)) + "…" : message
        }
        return response.bodySnippet()
    }

    /// A protobuf JSON int64: a decimal string (as the mapping writes it) or a number.
    static func int64(_ value: JSONValue) -> Int64? {
        if let text = value.stringValue { return Int64(text) }
        return value.int64Value
    }
}
