/// A compliance check that did not hold: which check, for which component, and what was seen.
/// Thrown by the compliance suites, so the test that runs a check fails with this description.
public struct ComplianceFailure: Error, CustomStringConvertible {
    /// The check, e.g. `sink.delivers` or `source.resumesFromCheckpoint`.
    public let check: String
    /// The component under test, as its harness names it.
    public let component: String
    /// What the check saw instead of what it expected.
    public let message: String

    public var description: String { "\(component) fails \(check): \(message)" }
}

/// Throws a ``ComplianceFailure`` for `check` of `component` unless `condition` holds.
func require(
    _ condition: Bool, _ message: @autoclosure () -> String, check: String, component: String
) throws(ComplianceFailure) {
    if !condition { throw ComplianceFailure(check: check, component: component, message: message()) }
}
