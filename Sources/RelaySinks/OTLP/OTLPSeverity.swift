import RelayCore

/// The severity of a log record (the OpenTelemetry logs data model's `SeverityNumber` and
/// `severityText`). An audit record has no level of its own, so it is derived from the normalized
/// event: WARN (13) when it records a failure or a refusal, INFO (9) otherwise.
///
/// A failure or refusal is an `event_type` containing `FAIL`, `DENIED`, `DENY`, `REJECT`,
/// `UNAUTHORIZED`, `FORBIDDEN`, `LOCKED` or `BLOCKED` (case-insensitive, e.g. `LOGIN_FAILED`), or
/// an attribute `status`, `result` or `outcome` whose value is one of `failure`, `failed`, `fail`,
/// `denied`, `rejected`, `error`, `unauthorized`, `forbidden`.
public struct OTLPSeverity: Sendable, Equatable {
    /// `SeverityNumber`: 9 for INFO, 13 for WARN.
    public let number: Int
    /// `severityText`: `INFO` or `WARN`.
    public let text: String

    /// INFO (9).
    public static let info = OTLPSeverity(number: 9, text: "INFO")
    /// WARN (13).
    public static let warn = OTLPSeverity(number: 13, text: "WARN")

    static let failureWords = ["FAIL", "DENIED", "DENY", "REJECT", "UNAUTHORIZED", "FORBIDDEN", "LOCKED", "BLOCKED"]
    static let failureOutcomes: Set<String> = [
        "failure", "failed", "fail", "denied", "rejected", "error", "unauthorized", "forbidden",
    ]

    private init(number: Int, text: String) {
        self.number = number
        self.text = text
    }

    /// The severity of a normalized event.
    public init(event: JSONObject) {
        self = Self.isFailure(event) ? .warn : .info
    }

    static func isFailure(_ event: JSONObject) -> Bool {
        let type = event["event_type"]?.stringValue?.uppercased() ?? ""
        if failureWords.contains(where: type.contains) { return true }
        guard let attributes = event["attributes"]?.objectValue else { return false }
        return ["status", "result", "outcome"].contains { key in
            attributes[key]?.stringValue.map { failureOutcomes.contains($0.lowercased()) } == true
        }
    }
}
