/// The jobs `ccrelay lambda` can run inside an AWS Lambda custom runtime.
public enum LambdaHandlerKind: String, Sendable, CaseIterable {
    /// Firehose data transformation: each record normalized, filtered and wrapped for the SIEM.
    case firehoseTransform = "firehose-transform"
    /// One pull-extraction cycle per scheduled invocation.
    case scheduledExtraction = "scheduled-extraction"
}
